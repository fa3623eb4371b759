package org.dp4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.BasicCompositionAccountant;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.PrivacyLedger;
import org.dp4j.mechanisms.aggregation.NoiseKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Spark wiring of {@link DpAggregation} on {@code local[2]}. */
class DpAggregationTest {

  private static final PrivacyBudget BUDGET = PrivacyBudget.approximate(1.0, 1e-6);

  private static final StructType VISITS =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField("visitor", DataTypes.LongType, true),
              DataTypes.createStructField("day", DataTypes.DateType, true),
              DataTypes.createStructField("shop", DataTypes.StringType, true),
              DataTypes.createStructField("spent.eur", DataTypes.DoubleType, true),
              DataTypes.createStructField("note", DataTypes.StringType, true)));

  private static SparkSession spark() {
    return SparkTestSession.get();
  }

  private static Date day(int d) {
    return Date.valueOf("2024-03-0" + d);
  }

  /** 400 visitors over days 1..3 and two shops, plus bad rows. */
  private static Dataset<Row> visits() {
    List<Row> rows = new ArrayList<>();
    for (long v = 0; v < 400; v++) {
      rows.add(
          RowFactory.create(
              v, day(1 + (int) (v % 3)), v % 2 == 0 ? "north" : "south", (double) (v % 50), "x"));
      rows.add(RowFactory.create(v, day(1 + (int) ((v + 1) % 3)), "north", 20.0, "x"));
    }
    rows.add(RowFactory.create(null, day(1), "north", 10.0, "null unit"));
    rows.add(RowFactory.create(1000L, day(1), "north", null, "null value"));
    rows.add(RowFactory.create(1001L, day(1), "north", Double.NaN, "NaN value"));
    rows.add(RowFactory.create(1002L, day(2), "north", Double.POSITIVE_INFINITY, "clamped"));
    rows.add(RowFactory.create(1003L, null, "north", 5.0, "null group"));
    return spark().createDataFrame(rows, VISITS);
  }

  private static PrivacyFilter filter(double epsilon) {
    return PrivacyFilter.limited(new PldAccountant(), PrivacyBudget.approximate(epsilon, 1e-6));
  }

  private static Map<List<Object>, Row> byGroup(List<Row> rows, int groupColumns) {
    Map<List<Object>, Row> map = new HashMap<>();
    for (Row r : rows) {
      List<Object> key = new ArrayList<>();
      for (int g = 0; g < groupColumns; g++) {
        key.add(r.get(g));
      }
      map.put(key, r);
    }
    return map;
  }

  @Test
  void withoutNoiseTheResultIsTheExactBoundedAggregateAfterTheBadRowRule() {
    AggregationResult result =
        DpAggregation.on(visits())
            .privacyUnit("visitor")
            .groupBy("day", "shop")
            .maxGroupsPerUnit(2)
            .maxRowsPerGroup(5)
            .count()
            .distinctUnits()
            .sum("spent.eur", 0, 60)
            .mean("spent.eur", 0, 60)
            .privateGroups()
            .randomness(Randomness.notPrivateWithoutNoise(3))
            .budget(BUDGET)
            .build()
            .run(filter(2));
    // Expected: every visitor keeps both rows (at most 2 groups, when the two rows fall in one
    // group it holds 2 rows); null unit, null and NaN values dropped; infinity clamped to 60.
    Map<List<Object>, double[]> expected = new HashMap<>();
    for (long v = 0; v < 400; v++) {
      add(expected, day(1 + (int) (v % 3)), v % 2 == 0 ? "north" : "south", v, v % 50);
      add(expected, day(1 + (int) ((v + 1) % 3)), "north", v, 20.0);
    }
    add(expected, day(2), "north", 1002, 60.0);
    add(expected, null, "north", 1003, 5.0);
    Map<List<Object>, Row> actual = byGroup(result.rows(), 2);
    assertEquals(expected.keySet(), actual.keySet());
    for (Map.Entry<List<Object>, double[]> e : expected.entrySet()) {
      Row r = actual.get(e.getKey());
      double[] x = e.getValue();
      assertEquals(x[0], r.getDouble(2), e.getKey().toString());
      assertEquals(x[2], r.getDouble(3), e.getKey().toString());
      assertEquals(x[1], r.getDouble(4), x[0] * 0x1.0p-14, e.getKey().toString());
      assertEquals(x[1] / x[0], r.getDouble(5), 1e-4, e.getKey().toString());
    }
    assertEquals(
        List.of("day", "shop", "count", "distinct_units", "sum_spent.eur", "mean_spent.eur"),
        List.of(result.groups().columns()));
    assertTrue(result.privacyStatement().startsWith("NOT PRIVATE"));
  }

  private static final Map<List<Object>, Set<Long>> UNITS = new HashMap<>();

  private static void add(Map<List<Object>, double[]> m, Date d, String shop, long unit, double v) {
    List<Object> key = java.util.Arrays.asList(d, shop);
    double[] x = m.computeIfAbsent(key, k -> new double[3]);
    x[0] += 1;
    x[1] += v;
    if (UNITS.computeIfAbsent(key, k -> new HashSet<>()).add(unit)) {
      x[2] += 1;
    }
  }

  @Test
  void theResultIsMaterialisedOnceAndTheSpendPrecedesTheJob() {
    PrivacyFilter filter = filter(3);
    JobCounter jobs = JobCounter.get();
    int mark = jobs.mark();
    DpAggregation query =
        DpAggregation.on(visits())
            .privacyUnit("visitor")
            .groupBy("day")
            .maxGroupsPerUnit(2)
            .count()
            .sum("spent.eur", 0, 60)
            .quantiles("spent.eur", 0, 60, 0.5)
            .publicGroups(List.of(day(1), day(2), day(3), day(4)))
            .budget(BUDGET)
            .build();
    AggregationResult result = query.run(filter);
    List<Long> started = jobs.jobsSince(mark);
    assertTrue(!started.isEmpty(), "the query runs a job");
    for (long t : started) {
      assertTrue(result.receipt().time().toEpochMilli() <= t, "spent before every job");
    }
    // Two actions, and the collected rows, agree exactly: no new noise is drawn.
    List<Row> first = result.groups().collectAsList();
    List<Row> second = result.groups().orderBy("day").collectAsList();
    assertEquals(new HashSet<>(first), new HashSet<>(second));
    assertEquals(new HashSet<>(result.rows()), new HashSet<>(first));
    assertEquals(4, result.groups().count());
    double total =
        result.groups().agg(org.apache.spark.sql.functions.sum("count")).first().getDouble(0);
    assertEquals(
        total,
        result.groups().agg(org.apache.spark.sql.functions.sum("count")).first().getDouble(0));
    // The public day 4 has no rows: noise only, around 0.
    Row absent = byGroup(result.rows(), 1).get(List.of(day(4)));
    assertTrue(Math.abs(absent.getDouble(1)) < 10 * query.calibration().sums().get(0).scale());
    // What was spent is the query's event, re-accounted by a fresh PLD accountant.
    double reaccounted = new PldAccountant().compose(query.event()).epsilon(1e-6);
    assertEquals(
        reaccounted, result.receipt().epsilonAfter() - result.receipt().epsilonBefore(), 1e-12);
    assertTrue(reaccounted <= 1.0 && reaccounted >= 0.999, "spent " + reaccounted);
    assertEquals(query.event(), result.receipt().event());
  }

  @Test
  void aQueryTheBudgetCannotAffordRunsNoJobAndSpendsNothing() {
    PrivacyFilter filter = filter(0.5);
    JobCounter jobs = JobCounter.get();
    int mark = jobs.mark();
    DpAggregation query =
        DpAggregation.on(visits())
            .privacyUnit("visitor")
            .groupBy("day")
            .count()
            .privateGroups()
            .budget(BUDGET)
            .build();
    assertThrows(PrivacyBudgetExceededException.class, () -> query.run(filter));
    assertEquals(0.0, filter.spent());
    assertEquals(List.of(), jobs.jobsSince(mark));
  }

  @Test
  void refusesAFilterForAnotherRelationOrAccountantBeforeSpending() {
    DpAggregation query =
        DpAggregation.on(visits())
            .privacyUnit("visitor")
            .groupBy("day")
            .count()
            .privateGroups()
            .budget(BUDGET)
            .build();
    PrivacyFilter replace =
        PrivacyFilter.limited(
            new PldAccountant(NeighbouringRelation.REPLACE_ONE),
            PrivacyBudget.approximate(5, 1e-6));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> query.run(replace));
    assertTrue(
        e.getMessage().contains("ADD_OR_REMOVE_ONE") && e.getMessage().contains("REPLACE_ONE"),
        e.getMessage());
    assertEquals(0.0, replace.spent());
    PrivacyFilter rdp =
        PrivacyFilter.limited(new RdpAccountant(), PrivacyBudget.approximate(5, 1e-6));
    e = assertThrows(IllegalArgumentException.class, () -> query.run(rdp));
    assertTrue(e.getMessage().contains("RdpAccountant"), e.getMessage());
    assertEquals(0.0, rdp.spent());
  }

  @Test
  void spendsOnALedgerAndPureQueriesOnABasicCompositionFilter(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("budget.ledger");
    try (PrivacyLedger ledger =
        PrivacyLedger.create(file, new PldAccountant(), PrivacyBudget.approximate(2, 1e-6))) {
      DpAggregation.on(visits())
          .privacyUnit("visitor")
          .groupBy("shop")
          .count()
          .publicGroups(List.of("north", "south"))
          .budget(BUDGET)
          .build()
          .run(ledger.filter());
    }
    assertEquals(1, PrivacyLedger.read(file).spendCount());
    assertTrue(Files.size(file) > 0);
    PrivacyFilter pure =
        PrivacyFilter.limited(new BasicCompositionAccountant(), PrivacyBudget.pure(1));
    AggregationResult r =
        DpAggregation.on(visits())
            .privacyUnit("visitor")
            .groupBy("shop")
            .maxGroupsPerUnit(2)
            .count()
            .mean("spent.eur", 0, 60)
            .publicGroups(List.of("north", "south"))
            .budget(PrivacyBudget.pure(1))
            .build()
            .run(pure);
    assertEquals(NoiseKind.LAPLACE, r.calibration().noise());
    assertTrue(pure.spent() <= 1.0);
    assertEquals(2, r.rows().size());
  }

  @Test
  void columnNamesWithControlCharactersStillMakeAValidLedgerLabel() {
    StructType schema =
        DataTypes.createStructType(
            List.of(
                DataTypes.createStructField("unit", DataTypes.StringType, true),
                DataTypes.createStructField("line\nbreak", DataTypes.StringType, true)));
    Dataset<Row> data = spark().createDataFrame(List.of(RowFactory.create("u", "g")), schema);
    PrivacyFilter filter = filter(2);
    AggregationResult r =
        DpAggregation.on(data)
            .privacyUnit("unit")
            .groupBy("line\nbreak")
            .count()
            .publicGroups(List.of("g"))
            .budget(BUDGET)
            .build()
            .run(filter);
    assertEquals("dp-spark aggregate count by line?break", r.receipt().label());
    assertEquals(1, r.rows().size());
  }

  @Test
  void seededRunsRepeatExactlyAndSecureRunsDrawFreshNoise() {
    UnaryOperator<DpAggregation.Builder> query =
        b ->
            b.privacyUnit("visitor")
                .groupBy("day", "shop")
                .maxGroupsPerUnit(2)
                .count()
                .distinctUnits()
                .variance("spent.eur", 0, 60)
                .privateGroups(PartitionSelection.TRUNCATED_GEOMETRIC)
                .budget(PrivacyBudget.approximate(4, 1e-6));
    List<Row> a =
        query
            .apply(DpAggregation.on(visits()))
            .randomness(Randomness.notPrivateSeeded(9))
            .build()
            .run(filter(10))
            .rows();
    List<Row> b =
        query
            .apply(DpAggregation.on(visits()))
            .randomness(Randomness.notPrivateSeeded(9))
            .build()
            .run(filter(10))
            .rows();
    assertEquals(a, b);
    List<Row> c = query.apply(DpAggregation.on(visits())).build().run(filter(10)).rows();
    List<Row> d = query.apply(DpAggregation.on(visits())).build().run(filter(10)).rows();
    assertNotEquals(new HashSet<>(c), new HashSet<>(d));
  }

  static Stream<Arguments> badQueries() {
    return Stream.of(
        Arguments.of(
            "privacyUnit 'nobody' must be a column of the data",
            (UnaryOperator<DpAggregation.Builder>)
                b -> b.privacyUnit("nobody").groupBy("day").count()),
        Arguments.of(
            "groupBy 'month' must be a column of the data",
            (UnaryOperator<DpAggregation.Builder>) b -> b.groupBy("month").count()),
        Arguments.of(
            "metric column 'note' must be numeric, got string",
            (UnaryOperator<DpAggregation.Builder>) b -> b.groupBy("day").sum("note", 0, 1)),
        Arguments.of(
            "groupBy column 'spent.eur' must be of a string, integer",
            (UnaryOperator<DpAggregation.Builder>) b -> b.groupBy("spent.eur").count()),
        Arguments.of(
            "groupBy must be at least one column",
            (UnaryOperator<DpAggregation.Builder>) b -> b.count()),
        Arguments.of(
            "groupBy must be columns other than the privacy unit",
            (UnaryOperator<DpAggregation.Builder>) b -> b.groupBy("visitor").count()),
        Arguments.of(
            "metrics must be at least one metric",
            (UnaryOperator<DpAggregation.Builder>) b -> b.groupBy("day")),
        Arguments.of(
            "metrics must be distinct output columns",
            (UnaryOperator<DpAggregation.Builder>) b -> b.groupBy("day").count().count()),
        Arguments.of(
            "budget.delta must be positive for private partition selection",
            (UnaryOperator<DpAggregation.Builder>)
                b ->
                    b.groupBy("day")
                        .count()
                        .noise(NoiseKind.LAPLACE)
                        .budget(PrivacyBudget.pure(1))),
        Arguments.of(
            "budget.delta must be positive for Gaussian noise",
            (UnaryOperator<DpAggregation.Builder>)
                b ->
                    b.groupBy("day")
                        .count()
                        .publicGroups(List.of(day(1)))
                        .noise(NoiseKind.GAUSSIAN)
                        .budget(PrivacyBudget.pure(1))),
        Arguments.of(
            "partition selection must be TRUNCATED_GEOMETRIC with Laplace noise",
            (UnaryOperator<DpAggregation.Builder>)
                b ->
                    b.groupBy("day")
                        .count()
                        .noise(NoiseKind.LAPLACE)
                        .privateGroups(PartitionSelection.GAUSSIAN_THRESHOLD)),
        Arguments.of(
            "publicGroups value must be of the Java type Spark uses for date",
            (UnaryOperator<DpAggregation.Builder>)
                b -> b.groupBy("day").count().publicGroups(List.of("2024-03-01"))),
        Arguments.of(
            "publicGroups(values) must be used with exactly one group-by column",
            (UnaryOperator<DpAggregation.Builder>)
                b -> b.groupBy("day", "shop").count().publicGroups(List.of(day(1)))));
  }

  @ParameterizedTest
  @MethodSource("badQueries")
  void badQueriesFailAtBuildWithTheParameterTheRuleAndTheValue(
      String message, UnaryOperator<DpAggregation.Builder> configure) {
    JobCounter jobs = JobCounter.get();
    int mark = jobs.mark();
    DpAggregation.Builder b = DpAggregation.on(visits()).privacyUnit("visitor").budget(BUDGET);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> configure.apply(b).build());
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertEquals(List.of(), jobs.jobsSince(mark));
  }

  @Test
  void badArgumentsFailWhereTheyAreGiven() {
    DpAggregation.Builder b = DpAggregation.on(visits());
    assertThrows(IllegalArgumentException.class, () -> b.sum("spent.eur", 60, 0));
    assertThrows(IllegalArgumentException.class, () -> b.mean("spent.eur", 0, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> b.sum("spent.eur", 5, 5));
    assertThrows(IllegalArgumentException.class, () -> b.quantiles("spent.eur", 0, 1, 1.5));
    assertThrows(IllegalArgumentException.class, () -> b.quantiles("spent.eur", 0, 1));
    assertThrows(IllegalArgumentException.class, () -> b.maxGroupsPerUnit(0));
    assertThrows(IllegalArgumentException.class, () -> b.maxRowsPerGroup(2_000_000));
    assertThrows(NullPointerException.class, () -> b.budget(null));
    assertThrows(
        IllegalArgumentException.class,
        () -> b.groupBy("day", "day").privacyUnit("visitor").count().budget(BUDGET).build());
  }
}

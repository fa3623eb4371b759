package org.dp4j.spark;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.dp4j.spark.internal.ExecutionSpec;
import org.dp4j.spark.internal.GroupReleaser;
import org.junit.jupiter.api.Test;

/**
 * Empirical privacy on a tiny dataset: D, and D' = D without unit {@code a} and all its rows. For
 * each tested event E (listed per test) the release frequencies over N trials bound {@code P_D(E)}
 * and {@code P_D'(E)} by Clopper-Pearson intervals at one-sided level 1e-9 each; the test asserts
 * {@code lower(P_D(E)) <= e^eps upper(P_D'(E)) + delta} and the same with D and D' swapped, which a
 * mechanism meeting its claim fails with probability at most 2e-9 per event and direction (under
 * 1e-6 for all events here together). Each test also runs a mechanism that adds less noise than the
 * claim needs, and shows that the same check rejects it. Events of probability near delta cannot be
 * observed with these trial counts; they are covered by the analytic accounting, not by this test.
 *
 * <p>The executor code runs in this JVM ({@link LocalRun}), with the bounding key fixed (DP holds
 * for every bounding choice) and fresh noise per trial.
 */
class EmpiricalPrivacyTest {

  private static final double ALPHA = 1e-9;

  private static final StructType SCHEMA =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField("unit", DataTypes.StringType, true),
              DataTypes.createStructField("group", DataTypes.StringType, true),
              DataTypes.createStructField("v", DataTypes.DoubleType, true)));

  /** D: unit a has rows in x (two) and y; b, c, d are the others. D' drops a. */
  private static List<Row> dataset(boolean withA) {
    List<Row> rows = new ArrayList<>();
    if (withA) {
      rows.add(RowFactory.create("a", "x", 10.0));
      rows.add(RowFactory.create("a", "x", 20.0));
      rows.add(RowFactory.create("a", "y", 30.0));
    }
    rows.add(RowFactory.create("b", "x", 40.0));
    rows.add(RowFactory.create("c", "x", 50.0));
    rows.add(RowFactory.create("c", "y", 60.0));
    rows.add(RowFactory.create("d", "y", 5.0));
    return rows;
  }

  private static Dataset<Row> empty() {
    return SparkTestSession.get().createDataFrame(List.of(), SCHEMA);
  }

  /** Per trial, the released groups of one dataset, as rows [group, columns..]. */
  private static long[] frequencies(
      ExecutionSpec spec,
      List<Row> data,
      List<Predicate<List<Object[]>>> events,
      int trials,
      long seed) {
    List<Row> aggregated = LocalRun.aggregate(spec, data);
    UniformRandomProvider random = SeededNoise.uniform(seed);
    GroupReleaser releaser = new GroupReleaser(spec, random);
    long[] hits = new long[events.size()];
    for (int t = 0; t < trials; t++) {
      List<Object[]> released = new ArrayList<>();
      for (Row r : aggregated) {
        Object[] out = releaser.release(r);
        if (out != null) {
          released.add(out);
        }
      }
      for (int e = 0; e < events.size(); e++) {
        hits[e] += events.get(e).test(released) ? 1 : 0;
      }
    }
    return hits;
  }

  /** Whether every event passes the check at (epsilon, delta) in both directions. */
  private static boolean consistent(
      long[] d, long[] dPrime, int trials, double epsilon, double delta) {
    for (int e = 0; e < d.length; e++) {
      double[] p = StatisticalChecks.clopperPearson(d[e], trials, ALPHA);
      double[] q = StatisticalChecks.clopperPearson(dPrime[e], trials, ALPHA);
      if (p[0] > Math.exp(epsilon) * q[1] + delta || q[0] > Math.exp(epsilon) * p[1] + delta) {
        return false;
      }
    }
    return true;
  }

  private static double column(List<Object[]> released, String group, int column) {
    for (Object[] r : released) {
      if (group.equals(r[0])) {
        return (double) r[column];
      }
    }
    return Double.NaN;
  }

  /**
   * Public groups {x, y}, count and sum, K = 2, M = 1, (1, 1e-5), Gaussian. Events: {count(x) +
   * count(y) > t} and {sum(x) > s} for 9 thresholds each around the two datasets' values; 200,000
   * trials per dataset. Power: the same query with the noise of epsilon 12 fails the check at
   * epsilon 1.
   */
  @Test
  void countsAndSumsOfNeighboursStayWithinTheClaimedBound() {
    List<Predicate<List<Object[]>>> events = new ArrayList<>();
    for (int i = -4; i <= 4; i++) {
      double t = 5 + 2.0 * i;
      events.add(r -> column(r, "x", 1) + column(r, "y", 1) > t);
    }
    for (int i = -4; i <= 4; i++) {
      double s = 70 + 25.0 * i;
      events.add(r -> column(r, "x", 2) > s);
    }
    int trials = 200_000;
    for (double budgetEpsilon : new double[] {1.0, 12.0}) {
      ExecutionSpec spec =
          DpAggregation.on(empty())
              .privacyUnit("unit")
              .groupBy("group")
              .maxGroupsPerUnit(2)
              .maxRowsPerGroup(1)
              .count()
              .sum("v", 0, 100)
              .publicGroups(List.of("x", "y"))
              .budget(PrivacyBudget.approximate(budgetEpsilon, 1e-5))
              .build()
              .executionSpec();
      long[] d = frequencies(spec, dataset(true), events, trials, 1);
      long[] dPrime = frequencies(spec, dataset(false), events, trials, 2);
      if (budgetEpsilon == 1.0) {
        assertTrue(consistent(d, dPrime, trials, 1.0, 1e-5), "the honest query fails");
      } else {
        assertFalse(
            consistent(d, dPrime, trials, 1.0, 1e-5),
            "the check must reject noise for epsilon 12 claimed as epsilon 1");
      }
    }
  }

  /**
   * Private groups by Gaussian thresholding: group y exists in D' through units c and d, and in D
   * also through a; group z exists only through unit a. Event {z released} (never in D') and {y
   * released}, {x released}, each at (1, 1e-5) over 100,000 trials; the release of a group that
   * only a contributes to has probability at most delta / P, which is invisible here (0 releases
   * expected). Power: a threshold of 1 (no margin) releases z half the time.
   */
  @Test
  void aGroupOfOneUnitIsAlmostNeverReleased() {
    List<Row> withA = new ArrayList<>(dataset(true));
    withA.add(RowFactory.create("a", "z", 1.0));
    List<Predicate<List<Object[]>>> events =
        List.of(
            r -> r.stream().anyMatch(o -> "z".equals(o[0])),
            r -> r.stream().anyMatch(o -> "y".equals(o[0])),
            r -> r.stream().anyMatch(o -> "x".equals(o[0])));
    int trials = 100_000;
    ExecutionSpec spec =
        DpAggregation.on(empty())
            .privacyUnit("unit")
            .groupBy("group")
            .maxGroupsPerUnit(3)
            .count()
            .privateGroups()
            .budget(PrivacyBudget.approximate(1.0, 1e-5))
            .build()
            .executionSpec();
    long[] d = frequencies(spec, withA, events, trials, 3);
    long[] dPrime = frequencies(spec, dataset(false), events, trials, 4);
    assertTrue(consistent(d, dPrime, trials, 1.0, 1e-5));
    ExecutionSpec leaky =
        new ExecutionSpec(
            spec.groupColumns(),
            spec.valueColumns(),
            spec.maxGroupsPerUnit(),
            spec.maxRowsPerGroup(),
            spec.parts(),
            spec.mechanisms(),
            spec.histograms(),
            spec.quantiles(),
            new org.dp4j.spark.internal.SelectionSpec(
                spec.selection().kind(),
                new org.dp4j.spark.internal.GaussianThresholdRule(
                    spec.selection().threshold().sigma(), 1.0),
                null,
                spec.selection().distinctPart()),
            spec.outputs(),
            spec.confidenceLevel(),
            spec.randomness(),
            spec.seed(),
            spec.boundingKey());
    long[] dLeaky = frequencies(leaky, withA, events, trials, 5);
    long[] dPrimeLeaky = frequencies(leaky, dataset(false), events, trials, 6);
    assertFalse(
        consistent(dLeaky, dPrimeLeaky, trials, 1.0, 1e-5),
        "the check must reject a threshold without margin");
  }
}

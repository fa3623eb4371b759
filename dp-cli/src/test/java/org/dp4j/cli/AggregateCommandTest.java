package org.dp4j.cli;

import static org.dp4j.cli.CliTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.budget.PrivacyLedger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code dp4j aggregate} in-process, on one embedded Spark session shared by the tests (the command
 * uses an existing session and leaves it running).
 */
class AggregateCommandTest {

  @TempDir static Path dir;
  private static Path visits;
  private static Path parquet;

  @BeforeAll
  static void sessionAndData() throws IOException {
    SparkSession.builder()
        .master("local[2]")
        .appName("dp-cli tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
    visits = dir.resolve("visits.csv");
    List<String> lines = new ArrayList<>();
    lines.add("visitor,day,shop,spent,note");
    for (int v = 0; v < 3000; v++) {
      lines.add("v" + v + ",d" + (v % 4) + ",\"shop, " + (v % 2) + "\"," + (v % 70) + ",x");
      lines.add("v" + v + ",d" + ((v + 1) % 4) + ",\"shop, 0\",12.5,y");
    }
    lines.add(",d1,\"shop, 0\",10,no unit");
    lines.add("v1,d1,\"shop, 0\",abc,not a number");
    lines.add("v2,d2,\"shop, 0\",,empty value");
    Files.write(visits, lines, StandardCharsets.UTF_8);
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 500; u++) {
      rows.add(RowFactory.create((long) u, u % 3, (double) (u % 10), "label" + u));
    }
    parquet = dir.resolve("typed.parquet");
    SparkSession.active()
        .createDataFrame(
            rows,
            DataTypes.createStructType(
                List.of(
                    DataTypes.createStructField("unit", DataTypes.LongType, false),
                    DataTypes.createStructField("bucket", DataTypes.IntegerType, false),
                    DataTypes.createStructField("value", DataTypes.DoubleType, false),
                    DataTypes.createStructField("label", DataTypes.StringType, false))))
        .write()
        .mode("overwrite")
        .parquet(parquet.toString());
  }

  private static List<String> csv(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  @Test
  void theEmbeddedExampleRunsWithNothingButTheCommand() {
    CliTestSupport.Run r = run("aggregate");
    assertEquals(0, r.status(), r.err());
    assertEquals("", r.err(), "no log lines");
    assertTrue(r.out().startsWith("day "), r.out());
    for (int d = 4; d <= 10; d++) {
      assertTrue(r.out().contains(String.format("2024-03-%02d", d)), r.out());
    }
    assertTrue(r.out().contains("privacy: (epsilon = 1, delta = 1e-06)-DP"), r.out());
    assertTrue(r.out().contains("visitor_id"), r.out());
  }

  @Test
  void writesTheDocumentedColumnsWithConfidenceIntervals() throws IOException {
    Path out = dir.resolve("by-day-shop.csv");
    CliTestSupport.Run r =
        run(
            "aggregate",
            "--input",
            visits.toString(),
            "--privacy-unit",
            "visitor",
            "--group-by",
            "day,shop",
            "--metric",
            "count",
            "--metric",
            "distinct-units",
            "--metric",
            "sum:spent:0:60",
            "--metric",
            "mean:spent:0:60",
            "--metric",
            "variance:spent:0:60",
            "--metric",
            "quantiles:spent:0:60:0.5,0.9",
            "--max-groups-per-unit",
            "2",
            "--epsilon",
            "2",
            "--confidence",
            "--output",
            out.toString());
    assertEquals(0, r.status(), r.err());
    List<String> lines = csv(out);
    assertEquals(
        "day,shop,count,count_low,count_high,distinct_units,distinct_units_low,"
            + "distinct_units_high,sum_spent,sum_spent_low,sum_spent_high,mean_spent,mean_spent_low,"
            + "mean_spent_high,variance_spent,quantile_spent_0.5,quantile_spent_0.9",
        lines.get(0));
    // Shop 0 on four days, shop 1 on days 1 and 3 (odd visitors), hundreds of units each: all six
    // pass the selection.
    assertEquals(1 + 6, lines.size(), String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(l -> l.contains("\"shop, 1\"")), "quoted group values");
    assertTrue(r.out().contains("wrote 6 groups to " + out), r.out());
    assertTrue(r.out().contains("Confidence intervals (95% each) cover the noise only"), r.out());
  }

  @Test
  void publicGroupsAndParquetWithPureDp() throws IOException {
    Path groups = dir.resolve("buckets.csv");
    Files.write(groups, List.of("bucket", "0", "1", "2", "7"), StandardCharsets.UTF_8);
    Path out = dir.resolve("buckets-out.csv");
    CliTestSupport.Run r =
        run(
            "aggregate",
            "--input",
            parquet.toString(),
            "--privacy-unit",
            "unit",
            "--group-by",
            "bucket",
            "--metric",
            "count",
            "--metric",
            "mean:value:0:10",
            "--public-groups",
            groups.toString(),
            "--delta",
            "0",
            "--output",
            out.toString());
    assertEquals(0, r.status(), r.err());
    List<String> lines = csv(out);
    assertEquals("bucket,count,mean_value", lines.get(0));
    assertEquals(
        List.of("0", "1", "2", "7"),
        lines.subList(1, 5).stream().map(l -> l.split(",")[0]).sorted().toList());
    assertTrue(r.out().contains("(epsilon = 1, delta = 0)-DP"), r.out());
    assertTrue(r.out().contains("Noise: Laplace"), r.out());
  }

  @Test
  void aLedgerIsChargedAndARefusedQueryWritesNothing() throws IOException {
    Path ledger = dir.resolve("budget.ledger");
    Path out = dir.resolve("ledger-out.csv");
    String[] query = {
      "aggregate",
      "--input",
      visits.toString(),
      "--privacy-unit",
      "visitor",
      "--group-by",
      "day",
      "--metric",
      "count",
      "--epsilon",
      "0.8",
      "--ledger",
      ledger.toString(),
      "--output",
      out.toString()
    };
    CliTestSupport.Run first = run(query);
    assertEquals(0, first.status(), first.err());
    assertEquals(1, PrivacyLedger.read(ledger).spendCount());
    Files.delete(out);
    CliTestSupport.Run second = run(query);
    assertEquals(2, second.status(), second.out());
    assertEquals(1, second.err().lines().count(), second.err());
    assertTrue(
        second.err().startsWith("dp4j: --ledger " + ledger + " budget must afford this " + "query"),
        second.err());
    assertFalse(Files.exists(out), "nothing written");
    assertEquals(1, PrivacyLedger.read(ledger).spendCount(), "nothing spent");
  }

  @Test
  void aLedgerForAnotherRelationIsRefusedBeforeSpark() throws IOException {
    Path ledger = dir.resolve("replace.ledger");
    PrivacyLedger.create(
            ledger,
            new PldAccountant(NeighbouringRelation.REPLACE_ONE),
            PrivacyBudget.approximate(5, 1e-6))
        .close();
    CliTestSupport.Run r = run("aggregate", "--ledger", ledger.toString());
    assertEquals(2, r.status());
    assertTrue(r.err().contains("ADD_OR_REMOVE_ONE") && r.err().contains("REPLACE_ONE"), r.err());
    assertEquals(0, PrivacyLedger.read(ledger).spendCount());
  }

  static Stream<Arguments> badInput() {
    String v = "VISITS";
    return Stream.of(
        Arguments.of(
            "--metric must be count, distinct-units",
            new String[] {"--metric", "median:spent:0:1"}),
        Arguments.of(
            "UPPER must be greater than LOWER 60.0, got 0.0",
            new String[] {"--metric", "sum:spent:60:0"}),
        Arguments.of(
            "LOWER must be a number, got 'zero'", new String[] {"--metric", "mean:spent:zero:60"}),
        Arguments.of(
            "Q must be in [0, 1], got 1.5",
            new String[] {"--metric", "quantiles:spent:0:60:0.5,1.5"}),
        Arguments.of(
            "--epsilon must be positive and finite, got -1.0", new String[] {"--epsilon", "-1"}),
        Arguments.of("--delta must be in [0, 1), got 1.0", new String[] {"--delta", "1"}),
        Arguments.of(
            "--delta 0 (pure DP) must be used with --public-groups", new String[] {"--delta", "0"}),
        Arguments.of(
            "--max-groups-per-unit must be in [1, 1000000], got 0",
            new String[] {"--max-groups-per-unit", "0"}),
        Arguments.of(
            "--input must be an existing file or folder, got /no/such/file.csv",
            new String[] {
              "--input",
              "/no/such/file.csv",
              "--privacy-unit",
              "u",
              "--group-by",
              "g",
              "--metric",
              "count"
            }),
        Arguments.of(
            "--input must be a .csv, .csv.gz or .parquet file or folder",
            new String[] {
              "--input",
              v.replace("VISITS", "data.json"),
              "--privacy-unit",
              "u",
              "--group-by",
              "g",
              "--metric",
              "count"
            }),
        Arguments.of(
            "--privacy-unit must be given with --input",
            new String[] {"--input", v, "--group-by", "day", "--metric", "count"}),
        Arguments.of(
            "privacyUnit 'nobody' must be a column of the data (columns: visitor, day, "
                + "shop, spent, note)",
            new String[] {
              "--input", v, "--privacy-unit", "nobody", "--group-by", "day", "--metric", "count"
            }),
        Arguments.of(
            "metric column 'label' must be numeric, got string",
            new String[] {
              "--input",
              "PARQUET",
              "--privacy-unit",
              "unit",
              "--group-by",
              "bucket",
              "--metric",
              "sum:label:0:1"
            }),
        Arguments.of(
            "groupBy column 'value' must be of a string, integer, boolean, decimal, "
                + "date or timestamp type, got double",
            new String[] {
              "--input",
              "PARQUET",
              "--privacy-unit",
              "unit",
              "--group-by",
              "value",
              "--metric",
              "count"
            }),
        Arguments.of(
            "--output must be in an existing directory",
            new String[] {"--output", "/no/such/dir/out.csv"}),
        Arguments.of(
            "--public-groups must be a CSV file whose header has the group-by columns",
            new String[] {"--public-groups", "PUBLIC"}),
        Arguments.of("Unknown option: '--bogus'", new String[] {"--bogus"}));
  }

  @ParameterizedTest
  @MethodSource("badInput")
  void badInputIsOneLineStatusTwoAndNothingIsWrittenOrSpent(String message, String[] args)
      throws IOException {
    Path ledger = dir.resolve("bad-" + Math.abs(message.hashCode()) + ".ledger");
    Path out = dir.resolve("bad-" + Math.abs(message.hashCode()) + ".csv");
    Path publicGroups = dir.resolve("wrong-header.csv");
    Files.write(publicGroups, List.of("weekday", "Monday"), StandardCharsets.UTF_8);
    List<String> all = new ArrayList<>(List.of("aggregate"));
    for (String a : args) {
      all.add(
          a.replace("VISITS", visits.toString())
              .replace("PUBLIC", publicGroups.toString())
              .replace("PARQUET", parquet.toString()));
    }
    if (!all.contains("--output")) {
      all.addAll(List.of("--output", out.toString()));
    }
    all.addAll(List.of("--ledger", ledger.toString()));
    CliTestSupport.Run r = run(all.toArray(new String[0]));
    assertEquals(2, r.status(), r.out() + r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(Files.exists(out), "nothing written");
    assertFalse(Files.exists(ledger), "no ledger created, nothing spent");
  }
}

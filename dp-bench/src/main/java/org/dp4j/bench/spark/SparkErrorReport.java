package org.dp4j.bench.spark;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.spark.AggregationResult;
import org.dp4j.spark.BudgetSplit;
import org.dp4j.spark.DpAggregation;
import org.dp4j.spark.Randomness;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * The error of dp-spark's joint calibration against an equal split of the same budget, on the
 * embedded example of {@code dp4j aggregate} and on the synthetic set: count, distinct units, sum
 * and mean per group at (1, 1e-6), private groups, {@code --repetitions} runs of each. Two errors
 * per released value, as means over released groups and runs:
 *
 * <ul>
 *   <li><b>noise</b>: {@code |released - bounded| / bounded}, against the same group's value after
 *       contribution bounding and before noise: what the calibration decides;
 *   <li><b>total</b>: {@code |released - truth| / truth}, against the exact statistic without
 *       contribution bounding (values clamped to the bounds): noise plus the bias of bounding,
 *       which is the same for both calibrations.
 * </ul>
 *
 * Run {@code r} uses the NOT PRIVATE seeded mode with seed {@code r}, once without noise (the
 * bounded values) and once with noise for each calibration: the three see the same bounding, and
 * the seeded noise has the same distribution as the secure one. These runs measure error; they
 * release nothing.
 *
 * <p>Usage: {@code dp-bench/spark-bench org.dp4j.bench.spark.SparkErrorReport [--example
 * dp-cli/src/main/resources/org/dp4j/cli/datasets/visits.csv.gz] [--rows 1000000] [--repetitions
 * 10] [--csv FILE] [--plot FILE.png]}
 */
public final class SparkErrorReport {

  private static final String[] METRICS = {"count", "distinct_units", "sum", "mean"};

  private SparkErrorReport() {}

  /** One dataset and its query's settings. */
  private record Case(
      String name,
      Dataset<Row> data,
      String unit,
      String group,
      String value,
      double upper,
      int maxGroupsPerUnit,
      int maxRowsPerGroup) {}

  /**
   * Runs the report.
   *
   * @param args see the class documentation
   * @throws IOException when an output cannot be written
   */
  public static void main(String[] args) throws IOException {
    Map<String, String> options = SparkAggregationBenchmark.options(args);
    int repetitions = Integer.parseInt(options.getOrDefault("repetitions", "10"));
    long rows = Long.parseLong(options.getOrDefault("rows", "1000000"));
    SparkSession spark =
        SparkSession.builder()
            .master(options.getOrDefault("master", "local[2]"))
            .appName("dp-spark error report")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "16")
            .getOrCreate();
    Dataset<Row> example =
        spark
            .read()
            .option("header", "true")
            .schema(
                DataTypes.createStructType(
                    List.of(
                        DataTypes.createStructField("visitor_id", DataTypes.StringType, true),
                        DataTypes.createStructField("day", DataTypes.StringType, true),
                        DataTypes.createStructField("spent", DataTypes.DoubleType, true))))
            .csv(
                options.getOrDefault(
                    "example", "dp-cli/src/main/resources/org/dp4j/cli/datasets/visits.csv.gz"))
            .persist(StorageLevel.MEMORY_ONLY());
    Dataset<Row> synthetic =
        SyntheticVisits.of(spark, rows, rows / 10, 1000, 16).persist(StorageLevel.MEMORY_ONLY());
    List<Case> cases =
        List.of(
            new Case(
                "example (5,458 visits, 2,000 visitors, 7 days), K 3, M 1",
                example,
                "visitor_id",
                "day",
                "spent",
                60,
                3,
                1),
            new Case(
                String.format(
                    Locale.ROOT,
                    "synthetic (%,d rows, %,d units, 1,000 groups), K 10," + " M 2",
                    rows,
                    rows / 10),
                synthetic,
                "unit",
                "grp",
                "amount",
                100,
                10,
                2));
    List<String> csv = new ArrayList<>();
    csv.add(
        "dataset,split,metric,noise_relative_error,total_relative_error,released_groups,"
            + "runs,noise_multiplier");
    Map<String, double[]> chart = new LinkedHashMap<>();
    System.out.println(
        "| dataset | metric | noise: joint (PLD) | noise: equal split | equal / "
            + "joint | total: joint | total: equal split |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Case c : cases) {
      Map<Object, double[]> truth = truth(c);
      Map<BudgetSplit, double[]> errors = new LinkedHashMap<>();
      Map<BudgetSplit, Double> multipliers = new HashMap<>();
      double[][] noiseErrors = new double[2][METRICS.length];
      double[][] totalErrors = new double[2][METRICS.length];
      long[] released = new long[2];
      for (int r = 0; r < repetitions; r++) {
        Map<Object, Row> bounded = new HashMap<>();
        for (Row row : query(c, BudgetSplit.JOINT, Randomness.notPrivateWithoutNoise(r)).rows()) {
          bounded.put(row.get(0), row);
        }
        for (BudgetSplit split : BudgetSplit.values()) {
          int si = split.ordinal();
          AggregationResult result = query(c, split, Randomness.notPrivateSeeded(r));
          multipliers.put(split, result.calibration().noiseMultiplier());
          for (Row row : result.rows()) {
            double[] t = truth.get(row.get(0));
            Row b = bounded.get(row.get(0));
            for (int m = 0; m < METRICS.length; m++) {
              noiseErrors[si][m] += Summary.relativeError(row.getDouble(1 + m), b.getDouble(1 + m));
              totalErrors[si][m] += Summary.relativeError(row.getDouble(1 + m), t[m]);
            }
            released[si]++;
          }
        }
      }
      for (BudgetSplit split : BudgetSplit.values()) {
        int si = split.ordinal();
        double[] mean = new double[2 * METRICS.length];
        for (int m = 0; m < METRICS.length; m++) {
          mean[m] = noiseErrors[si][m] / released[si];
          mean[METRICS.length + m] = totalErrors[si][m] / released[si];
          csv.add(
              String.format(
                  Locale.ROOT,
                  "\"%s\",%s,%s,%.6g,%.6g,%d,%d,%.6g",
                  c.name(),
                  split.name().toLowerCase(Locale.ROOT),
                  METRICS[m],
                  mean[m],
                  mean[METRICS.length + m],
                  released[si],
                  repetitions,
                  multipliers.get(split)));
        }
        errors.put(split, mean);
      }
      for (int m = 0; m < METRICS.length; m++) {
        double joint = errors.get(BudgetSplit.JOINT)[m];
        double equal = errors.get(BudgetSplit.EQUAL)[m];
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %.4f | %.4f | %.2f | %.4f | %.4f |%n",
            c.name(),
            METRICS[m],
            joint,
            equal,
            equal / joint,
            errors.get(BudgetSplit.JOINT)[METRICS.length + m],
            errors.get(BudgetSplit.EQUAL)[METRICS.length + m]);
        String label = (c.name().startsWith("example") ? "example: " : "synthetic: ") + METRICS[m];
        chart.put(label, new double[] {joint, equal});
      }
      System.out.printf(
          Locale.ROOT,
          "%n%s: noise multiplier %.4g joint, %.4g equal split " + "(%.3gx)%n%n",
          c.name(),
          multipliers.get(BudgetSplit.JOINT),
          multipliers.get(BudgetSplit.EQUAL),
          multipliers.get(BudgetSplit.EQUAL) / multipliers.get(BudgetSplit.JOINT));
    }
    if (options.containsKey("csv")) {
      Files.write(Path.of(options.get("csv")), csv, StandardCharsets.UTF_8);
    }
    if (options.containsKey("plot")) {
      plot(chart, Path.of(options.get("plot")), repetitions);
    }
    spark.stop();
  }

  private static AggregationResult query(Case c, BudgetSplit split, Randomness randomness) {
    return DpAggregation.on(c.data())
        .privacyUnit(c.unit())
        .groupBy(c.group())
        .maxGroupsPerUnit(c.maxGroupsPerUnit())
        .maxRowsPerGroup(c.maxRowsPerGroup())
        .count()
        .distinctUnits()
        .sum(c.value(), 0, c.upper())
        .mean(c.value(), 0, c.upper())
        .privateGroups()
        .budgetSplit(split)
        .randomness(randomness)
        .budget(PrivacyBudget.approximate(1, 1e-6))
        .build()
        .run(PrivacyFilter.odometer(new PldAccountant(), 1e-6));
  }

  /** The exact, unbounded statistics per group: count, distinct units, sum and mean (clamped). */
  private static Map<Object, double[]> truth(Case c) {
    Column clamped = least(greatest(col(c.value()), lit(0.0)), lit(c.upper()));
    Map<Object, double[]> truth = new HashMap<>();
    for (Row r :
        c.data()
            .where(col(c.unit()).isNotNull().and(col(c.value()).isNotNull()))
            .groupBy(c.group())
            .agg(count(lit(1)), countDistinct(col(c.unit())), sum(clamped), avg(clamped))
            .collectAsList()) {
      truth.put(
          r.get(0), new double[] {r.getLong(1), r.getLong(2), r.getDouble(3), r.getDouble(4)});
    }
    return truth;
  }

  private static void plot(Map<String, double[]> values, Path png, int repetitions)
      throws IOException {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(900)
            .height(480)
            .title(
                "Noise: mean relative error per group at (1, 1e-6), " + repetitions + " runs each")
            .xAxisTitle("dataset: metric")
            .yAxisTitle("mean |released - bounded| / bounded")
            .build();
    chart.getStyler().setXAxisLabelRotation(20);
    List<String> labels = new ArrayList<>(values.keySet());
    List<Double> joint = new ArrayList<>();
    List<Double> equal = new ArrayList<>();
    for (String l : labels) {
      joint.add(values.get(l)[0]);
      equal.add(values.get(l)[1]);
    }
    chart.addSeries("joint calibration (PLD)", labels, joint);
    chart.addSeries("equal split", labels, equal);
    if (png.getParent() != null) {
      Files.createDirectories(png.getParent());
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    System.err.println("wrote " + png);
  }
}

package org.dp4j.bench.spark;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.spark.DpAggregation;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Times a private count + sum + mean per group against two non-private queries on the same cached
 * synthetic rows ({@link SyntheticVisits}), back to back in one JVM:
 *
 * <ul>
 *   <li><b>private</b>: {@link DpAggregation} (build, calibrate, spend, bound, aggregate, noise,
 *       collect), K = 10 groups and M = 2 rows per unit, private groups, (1, 1e-6);
 *   <li><b>per-unit</b>: the same per-unit work without privacy, {@code groupBy(unit, group)} then
 *       {@code groupBy(group)} (count, sum, mean), collected;
 *   <li><b>plain</b>: {@code groupBy(group)} (count, sum, mean), collected.
 * </ul>
 *
 * Each size is generated, cached and counted first (not timed); then one warm-up round of the
 * three, then {@code --repetitions} rounds in the order private, per-unit, plain. Each query's wall
 * time is recorded, and the process CPU time it used (all threads: Spark's tasks, the driver, GC
 * and JIT), which other processes on a shared machine disturb much less. The Markdown tables give
 * the medians and ranges and the ratios of the medians.
 *
 * <p>Usage: {@code dp-bench/spark-bench org.dp4j.bench.spark.SparkAggregationBenchmark [--rows
 * 1000000,10000000] [--rows-per-unit 10] [--groups 1000] [--repetitions 3] [--master local[2]]
 * [--csv FILE] [--plot FILE.png]}; {@code --replot FILE.csv --plot FILE.png [--master local[2]]}
 * redraws the figure from a CSV written earlier.
 */
public final class SparkAggregationBenchmark {

  private SparkAggregationBenchmark() {}

  /** The three queries. */
  enum Variant {
    PRIVATE("private (dp-spark)"),
    PER_UNIT("per-unit: groupBy(unit, group), groupBy(group)"),
    PLAIN("plain: groupBy(group)");

    final String label;

    Variant(String label) {
      this.label = label;
    }
  }

  /**
   * Runs the benchmark.
   *
   * @param args see the class documentation
   * @throws IOException when the CSV or plot cannot be written
   */
  public static void main(String[] args) throws IOException {
    Map<String, String> options = options(args);
    if (options.containsKey("replot")) {
      replot(
          Path.of(options.get("replot")),
          Path.of(options.get("plot")),
          options.getOrDefault("master", "local[2]"));
      return;
    }
    List<Long> sizes = new ArrayList<>();
    for (String s : options.getOrDefault("rows", "1000000,10000000").split(",")) {
      sizes.add(Long.parseLong(s.trim()));
    }
    long rowsPerUnit = Long.parseLong(options.getOrDefault("rows-per-unit", "10"));
    long groups = Long.parseLong(options.getOrDefault("groups", "1000"));
    int repetitions = Integer.parseInt(options.getOrDefault("repetitions", "3"));
    String master = options.getOrDefault("master", "local[2]");
    SparkSession spark =
        SparkSession.builder()
            .master(master)
            .appName("dp-spark benchmark")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "16")
            .getOrCreate();
    System.out.printf(
        Locale.ROOT,
        "Spark %s, master %s, %d processors, Java %s%n%n",
        spark.version(),
        master,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    System.out.println(
        "| rows | units | groups | query | wall s: median (min–max) | CPU s: median "
            + "(min–max) |");
    System.out.println("|---|---|---|---|---|---|");
    Map<Long, Map<Variant, double[]>> all = new LinkedHashMap<>();
    Map<Long, Map<Variant, double[]>> allCpu = new LinkedHashMap<>();
    List<String> csv = new ArrayList<>();
    csv.add("rows,units,groups,query,repetition,wall_seconds,cpu_seconds");
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    for (long rows : sizes) {
      long units = rows / rowsPerUnit;
      Dataset<Row> data =
          SyntheticVisits.of(spark, rows, units, groups, 16).persist(StorageLevel.MEMORY_ONLY());
      data.count();
      Map<Variant, Supplier<Integer>> queries = queries(data);
      for (Variant v : Variant.values()) {
        queries.get(v).get(); // warm-up
      }
      Map<Variant, double[]> times = new LinkedHashMap<>();
      Map<Variant, double[]> cpu = new LinkedHashMap<>();
      for (Variant v : Variant.values()) {
        times.put(v, new double[repetitions]);
        cpu.put(v, new double[repetitions]);
      }
      for (int r = 0; r < repetitions; r++) {
        for (Variant v : Variant.values()) {
          long cpuStart = os.getProcessCpuTime();
          long start = System.nanoTime();
          int released = queries.get(v).get();
          double seconds = (System.nanoTime() - start) / 1e9;
          double cpuSeconds = (os.getProcessCpuTime() - cpuStart) / 1e9;
          times.get(v)[r] = seconds;
          cpu.get(v)[r] = cpuSeconds;
          csv.add(
              String.format(
                  Locale.ROOT,
                  "%d,%d,%d,%s,%d,%.3f,%.3f",
                  rows,
                  units,
                  groups,
                  v.name().toLowerCase(Locale.ROOT),
                  r + 1,
                  seconds,
                  cpuSeconds));
          if (released == 0) {
            throw new IllegalStateException(v + " returned no groups");
          }
        }
      }
      for (Variant v : Variant.values()) {
        double[] t = times.get(v);
        double[] c = cpu.get(v);
        System.out.printf(
            Locale.ROOT,
            "| %,d | %,d | %,d | %s | %.2f (%.2f–%.2f) | %.2f " + "(%.2f–%.2f) |%n",
            rows,
            units,
            groups,
            v.label,
            Summary.median(t),
            Summary.min(t),
            Summary.max(t),
            Summary.median(c),
            Summary.min(c),
            Summary.max(c));
      }
      all.put(rows, times);
      allCpu.put(rows, cpu);
      data.unpersist(true);
    }
    System.out.println();
    System.out.println(
        "| rows | private / per-unit, wall | private / per-unit, CPU | private / "
            + "plain, wall | private / plain, CPU |");
    System.out.println("|---|---|---|---|---|");
    for (Map.Entry<Long, Map<Variant, double[]>> e : all.entrySet()) {
      Map<Variant, double[]> c = allCpu.get(e.getKey());
      double p = Summary.median(e.getValue().get(Variant.PRIVATE));
      double pc = Summary.median(c.get(Variant.PRIVATE));
      System.out.printf(
          Locale.ROOT,
          "| %,d | %.2f | %.2f | %.2f | %.2f |%n",
          e.getKey(),
          p / Summary.median(e.getValue().get(Variant.PER_UNIT)),
          pc / Summary.median(c.get(Variant.PER_UNIT)),
          p / Summary.median(e.getValue().get(Variant.PLAIN)),
          pc / Summary.median(c.get(Variant.PLAIN)));
    }
    if (options.containsKey("csv")) {
      Files.write(Path.of(options.get("csv")), csv, StandardCharsets.UTF_8);
    }
    if (options.containsKey("plot")) {
      plot(all, allCpu, Path.of(options.get("plot")), master);
    }
    spark.stop();
  }

  /** The three queries on {@code data}; each returns the number of groups it collected. */
  static Map<Variant, Supplier<Integer>> queries(Dataset<Row> data) {
    Map<Variant, Supplier<Integer>> q = new LinkedHashMap<>();
    q.put(
        Variant.PRIVATE,
        () ->
            DpAggregation.on(data)
                .privacyUnit("unit")
                .groupBy("grp")
                .maxGroupsPerUnit(10)
                .maxRowsPerGroup(2)
                .count()
                .sum("amount", 0, 100)
                .mean("amount", 0, 100)
                .privateGroups()
                .budget(PrivacyBudget.approximate(1, 1e-6))
                .build()
                .run(PrivacyFilter.odometer(new PldAccountant(), 1e-6))
                .rows()
                .size());
    q.put(
        Variant.PER_UNIT,
        () ->
            data.groupBy("unit", "grp")
                .agg(count(lit(1)).as("c"), sum("amount").as("s"))
                .groupBy("grp")
                .agg(sum("c").as("count"), sum("s").as("sum"), sum("s").divide(sum("c")).as("mean"))
                .collectAsList()
                .size());
    q.put(
        Variant.PLAIN,
        () ->
            data.groupBy("grp")
                .agg(
                    count(lit(1)).as("count"),
                    sum(col("amount")).as("sum"),
                    avg("amount").as("mean"))
                .collectAsList()
                .size());
    return q;
  }

  private static void plot(
      Map<Long, Map<Variant, double[]>> wall,
      Map<Long, Map<Variant, double[]>> cpu,
      Path png,
      String master)
      throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(520)
            .title("count + sum + mean per group, 1,000 groups, " + master)
            .xAxisTitle("rows (millions; 10 rows per unit)")
            .yAxisTitle("median seconds")
            .build();
    chart.getStyler().setMarkerSize(8);
    java.awt.Color[] colours = {
      new java.awt.Color(31, 119, 180),
      new java.awt.Color(255, 127, 14),
      new java.awt.Color(90, 90, 90)
    };
    for (Variant v : Variant.values()) {
      for (boolean isCpu : new boolean[] {false, true}) {
        Map<Long, Map<Variant, double[]>> source = isCpu ? cpu : wall;
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (Map.Entry<Long, Map<Variant, double[]>> e : source.entrySet()) {
          x.add(e.getKey() / 1e6);
          y.add(Summary.median(e.getValue().get(v)));
        }
        org.knowm.xchart.XYSeries series =
            chart.addSeries(v.label + (isCpu ? ", CPU" : ", wall"), x, y);
        series.setMarker(isCpu ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
        series.setLineColor(colours[v.ordinal()]);
        series.setMarkerColor(colours[v.ordinal()]);
        series.setLineStyle(
            isCpu
                ? org.knowm.xchart.style.lines.SeriesLines.DASH_DASH
                : org.knowm.xchart.style.lines.SeriesLines.SOLID);
      }
    }
    if (png.getParent() != null) {
      Files.createDirectories(png.getParent());
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    System.err.println("wrote " + png);
  }

  /** Redraws the figure from the CSV of an earlier run. */
  static void replot(Path csv, Path png, String master) throws IOException {
    Map<Long, Map<Variant, List<Double>>> wall = new LinkedHashMap<>();
    Map<Long, Map<Variant, List<Double>>> cpu = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String[] c = line.split(",");
      long rows = Long.parseLong(c[0]);
      Variant v = Variant.valueOf(c[3].toUpperCase(Locale.ROOT));
      wall.computeIfAbsent(rows, k -> new LinkedHashMap<>())
          .computeIfAbsent(v, k -> new ArrayList<>())
          .add(Double.parseDouble(c[5]));
      cpu.computeIfAbsent(rows, k -> new LinkedHashMap<>())
          .computeIfAbsent(v, k -> new ArrayList<>())
          .add(Double.parseDouble(c[6]));
    }
    plot(arrays(wall), arrays(cpu), png, master);
  }

  private static Map<Long, Map<Variant, double[]>> arrays(
      Map<Long, Map<Variant, List<Double>>> lists) {
    Map<Long, Map<Variant, double[]>> out = new LinkedHashMap<>();
    lists.forEach(
        (rows, byVariant) ->
            byVariant.forEach(
                (v, l) ->
                    out.computeIfAbsent(rows, k -> new LinkedHashMap<>())
                        .put(v, l.stream().mapToDouble(Double::doubleValue).toArray())));
    return out;
  }

  /** {@code --key value} pairs. */
  static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "arguments must be --key value pairs, got " + String.join(" ", args));
      }
      options.put(args[i].substring(2), args[++i]);
    }
    return options;
  }
}

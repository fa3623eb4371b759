package org.dp4j.bench.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Turns JMH JSON results ({@code -rf json}) into the figures and tables of {@code
 * docs/benchmarks.md}: prints a Markdown table (median and min-max of the measured iterations per
 * benchmark and parameter set) and writes one PNG chart.
 *
 * <p>Usage (from the repository root, after {@code ./mvnw -B -q -pl dp-bench -am package
 * -DskipTests}):
 *
 * <pre>
 * java -Djava.awt.headless=true -cp dp-bench/target/benchmarks.jar \
 *     org.dp4j.bench.tools.BenchmarkPlots FIGURE OUT.png RESULTS.json...
 * </pre>
 *
 * <p>{@code FIGURE} is one of {@link Figure}'s names in lower case: {@code noise} (elements per
 * second against length, from {@code NoiseScalingBenchmark}), {@code clipping} (time per call per
 * shape, clip + sum against the read-pass baseline, from {@code ClipScalingBenchmark}), {@code
 * accounting} (dp4j's accountant times against the anchors' of {@code refdata/anchor_timings.md},
 * from {@code RdpBenchmark}, {@code PldBenchmark} and {@code CalibrationBenchmark}), {@code dl4j}
 * (private against non-private training step per model, from {@code TrainingStepBenchmark}), {@code
 * table} (the Markdown table only, no chart).
 */
public final class BenchmarkPlots {

  /** The figures this tool draws. */
  public enum Figure {
    /** Bulk noise throughput against vector length, with the baselines. */
    NOISE,
    /** Clip + sum time against the read pass, per matrix shape. */
    CLIPPING,
    /** Accountant times against the anchors. */
    ACCOUNTING,
    /** Private against non-private DL4J training step, per model. */
    DL4J,
    /** No chart, the table only. */
    TABLE
  }

  /**
   * Anchor medians from {@code ../shared/refdata/anchor_timings.md} (same 2-core AMD EPYC VM kind),
   * in milliseconds, keyed by the dp4j benchmark they compare with.
   */
  private static final Map<String, Double> ANCHOR_MS = anchors();

  private static Map<String, Double> anchors() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("RDP epsilon, 10^4 steps", 25.0); // Opacus RDPAccountant.get_epsilon (dp_accounting 58)
    m.put("RDP epsilon, 10^5 steps", 57.0); // dp_accounting RdpAccountant
    m.put("PLD epsilon, 10^3 steps", 125.0); // Opacus PRV (dp_accounting PLD 980)
    m.put("PLD epsilon, 10^4 steps", 390.0); // Opacus PRV (dp_accounting PLD 1020)
    m.put("PLD epsilon, 10^5 steps", 1100.0); // dp_accounting PLD (Opacus PRV 2210)
    m.put("calibration RDP, 10^4 steps", 450.0); // Opacus get_noise_multiplier rdp
    m.put("calibration PLD, 10^4 steps", 6340.0); // Opacus PRV (dp_accounting PLD 26100)
    return m;
  }

  private BenchmarkPlots() {}

  /**
   * @param args {@code FIGURE OUT.png RESULTS.json...}
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println(
          "usage: BenchmarkPlots noise|clipping|accounting|dl4j|table OUT.png RESULTS.json...");
      System.exit(2);
    }
    Figure figure = Figure.valueOf(args[0].toUpperCase(Locale.ROOT));
    Path png = Path.of(args[1]);
    List<JmhResult> results = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      results.addAll(JmhResult.read(Path.of(args[i])));
    }
    PrintStream md = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    md.print(markdownTable(results));
    if (figure == Figure.TABLE) {
      return;
    }
    if (png.getParent() != null) {
      Files.createDirectories(png.getParent());
    }
    switch (figure) {
      case NOISE -> {
        md.print(noiseTable(results));
        BitmapEncoder.saveBitmap(
            noiseChart(results), png.toString(), BitmapEncoder.BitmapFormat.PNG);
      }
      case CLIPPING ->
          BitmapEncoder.saveBitmap(
              clippingChart(results), png.toString(), BitmapEncoder.BitmapFormat.PNG);
      case DL4J ->
          BitmapEncoder.saveBitmap(
              stepChart(results), png.toString(), BitmapEncoder.BitmapFormat.PNG);
      case ACCOUNTING -> {
        md.print(accountingTable(results));
        BitmapEncoder.saveBitmap(
            accountingChart(results), png.toString(), BitmapEncoder.BitmapFormat.PNG);
      }
      default -> throw new IllegalStateException(figure.toString());
    }
    System.err.println("wrote " + png);
  }

  /** One row per result: benchmark, parameters, median, min-max, unit, iteration count. */
  static String markdownTable(List<JmhResult> results) {
    StringBuilder out = new StringBuilder();
    out.append("| benchmark | parameters | median | min–max | unit | iterations |\n");
    out.append("|---|---|---|---|---|---|\n");
    for (JmhResult r : results) {
      out.append(
          String.format(
              Locale.ROOT,
              "| `%s.%s` | %s | %s | %s–%s | %s | %d |%n",
              r.simpleClass(),
              r.method(),
              r.params().isEmpty() ? "" : paramsText(r),
              num(r.median()),
              num(r.min()),
              num(r.max()),
              r.unit(),
              r.iterations().length));
    }
    return out.append('\n').toString();
  }

  private static String paramsText(JmhResult r) {
    List<String> parts = new ArrayList<>();
    r.params().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> parts.add(e.getKey() + "=" + e.getValue()));
    return String.join(", ", parts);
  }

  /** Three significant digits: plain notation below a million, {@code 8.08e9} above. */
  static String num(double v) {
    if (v == 0 || !Double.isFinite(v)) {
      return Double.toString(v);
    }
    if (Math.abs(v) >= 1e6) {
      int exponent = (int) Math.floor(Math.log10(Math.abs(v)));
      return String.format(Locale.ROOT, "%.2fe%d", v / Math.pow(10, exponent), exponent);
    }
    int digits = Math.max(0, 2 - (int) Math.floor(Math.log10(Math.abs(v))));
    return String.format(Locale.ROOT, "%,." + digits + "f", v);
  }

  private static final Pattern POWER_OF_TWO = Pattern.compile("2_(\\d+)$");

  /** The element count encoded in a {@code LENGTH_2_k} constant. */
  static long lengthOf(String constant) {
    Matcher m = POWER_OF_TWO.matcher(constant);
    if (!m.find()) {
      throw new IllegalArgumentException("length must be of the form NAME_2_k, got " + constant);
    }
    return 1L << Integer.parseInt(m.group(1));
  }

  private static double toSeconds(double value, String unit) {
    return switch (unit) {
      case "s/op" -> value;
      case "ms/op" -> value * 1e-3;
      case "us/op" -> value * 1e-6;
      case "ns/op" -> value * 1e-9;
      default -> throw new IllegalArgumentException("unit must be a time per op, got " + unit);
    };
  }

  /**
   * Nanoseconds per element, median (min-max), one row per method and source, one column per
   * length, followed by each row's slowdown against {@code baselinePlainAdd} at each length.
   */
  static String noiseTable(List<JmhResult> results) {
    Map<String, Map<Long, JmhResult>> rows = new LinkedHashMap<>();
    java.util.TreeSet<Long> lengths = new java.util.TreeSet<>();
    for (JmhResult r : results) {
      if (!r.simpleClass().equals("NoiseScalingBenchmark")) {
        continue;
      }
      long n = lengthOf(r.param("length"));
      lengths.add(n);
      String source = r.param("source");
      String name = r.method() + (source.isEmpty() ? "" : " " + source.toLowerCase(Locale.ROOT));
      rows.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(n, r);
    }
    StringBuilder out = new StringBuilder("| ns per element: median (min–max) |");
    StringBuilder rule = new StringBuilder("|---|");
    for (long n : lengths) {
      out.append(" 2^").append(Long.numberOfTrailingZeros(n)).append(" |");
      rule.append("---|");
    }
    out.append('\n').append(rule).append('\n');
    Map<Long, JmhResult> add = rows.get("baselinePlainAdd");
    StringBuilder ratios = new StringBuilder("| time / `baselinePlainAdd` time |");
    for (long n : lengths) {
      ratios.append(" 2^").append(Long.numberOfTrailingZeros(n)).append(" |");
    }
    ratios.append('\n').append(rule).append('\n');
    rows.forEach(
        (name, byLength) -> {
          out.append("| `").append(name).append("` |");
          ratios.append("| `").append(name).append("` |");
          for (long n : lengths) {
            JmhResult r = byLength.get(n);
            if (r == null) {
              out.append(" — |");
              ratios.append(" — |");
              continue;
            }
            double scale = toSeconds(1, r.unit()) * 1e9 / n;
            out.append(' ')
                .append(num(r.median() * scale))
                .append(" (")
                .append(num(r.min() * scale))
                .append("–")
                .append(num(r.max() * scale))
                .append(") |");
            JmhResult base = add == null ? null : add.get(n);
            ratios
                .append(' ')
                .append(
                    base == null
                        ? "—"
                        : num(
                                toSeconds(r.median(), r.unit())
                                    / toSeconds(base.median(), base.unit()))
                            + "×")
                .append(" |");
          }
          out.append('\n');
          ratios.append('\n');
        });
    return out.append('\n').append(ratios).append('\n').toString();
  }

  private static XYChart noiseChart(List<JmhResult> results) {
    String jdks =
        results.stream()
            .map(JmhResult::jdkVersion)
            .filter(v -> !v.isEmpty())
            .distinct()
            .collect(java.util.stream.Collectors.joining(", "));
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(560)
            .title(
                "Bulk noise into float[] and ND4J buffers (median of iterations"
                    + (jdks.isEmpty() ? "" : "; JDK " + jdks)
                    + ")")
            .xAxisTitle("vector length (floats)")
            .yAxisTitle("elements per second")
            .build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    for (JmhResult r : results) {
      if (!r.simpleClass().equals("NoiseScalingBenchmark")) {
        continue;
      }
      long n = lengthOf(r.param("length"));
      String source = r.param("source");
      String name = r.method() + (source.isEmpty() ? "" : " " + source.toLowerCase(Locale.ROOT));
      double perSecond = n / toSeconds(r.median(), r.unit());
      series.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {n, perSecond});
    }
    series.forEach(
        (name, points) -> {
          points.sort((a, b) -> Double.compare(a[0], b[0]));
          chart.addSeries(
              name,
              points.stream().mapToDouble(p -> p[0]).toArray(),
              points.stream().mapToDouble(p -> p[1]).toArray());
        });
    return chart;
  }

  /** The power of ten at or below {@code v}: bars on a log axis need a positive floor. */
  private static double logFloor(double v) {
    return Math.pow(10, Math.floor(Math.log10(v)));
  }

  private static CategoryChart clippingChart(List<JmhResult> results) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(900)
            .height(520)
            .title("Flat clip + sum of [B, P] float matrices vs one read pass (median, ms)")
            .xAxisTitle("shape")
            .yAxisTitle("ms per call")
            .build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    Map<String, Map<String, Double>> byMethod = new LinkedHashMap<>();
    for (JmhResult r : results) {
      if (!r.simpleClass().equals("ClipScalingBenchmark")) {
        continue;
      }
      byMethod
          .computeIfAbsent(r.method(), k -> new LinkedHashMap<>())
          .put(r.param("shape"), toSeconds(r.median(), r.unit()) * 1e3);
    }
    byMethod.forEach(
        (method, values) ->
            chart.addSeries(
                method, new ArrayList<>(values.keySet()), new ArrayList<>(values.values())));
    chart
        .getStyler()
        .setYAxisMin(
            logFloor(
                byMethod.values().stream()
                    .flatMap(m -> m.values().stream())
                    .mapToDouble(Double::doubleValue)
                    .min()
                    .orElse(1)));
    return chart;
  }

  private static CategoryChart stepChart(List<JmhResult> results) {
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(800)
            .height(500)
            .title("DL4J training step, batch 256: private vs non-private (median, ms)")
            .xAxisTitle("model")
            .yAxisTitle("ms per step")
            .build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    Map<String, Map<String, Double>> byMethod = new LinkedHashMap<>();
    for (JmhResult r : results) {
      if (r.simpleClass().equals("TrainingStepBenchmark")) {
        byMethod
            .computeIfAbsent(r.method(), k -> new LinkedHashMap<>())
            .put(r.param("model"), toSeconds(r.median(), r.unit()) * 1e3);
      }
    }
    if (byMethod.isEmpty()) {
      throw new IllegalArgumentException(
          "results must contain TrainingStepBenchmark entries, got none");
    }
    byMethod.forEach(
        (method, values) ->
            chart.addSeries(
                method, new ArrayList<>(values.keySet()), new ArrayList<>(values.values())));
    chart
        .getStyler()
        .setYAxisMin(
            logFloor(
                byMethod.values().stream()
                    .flatMap(m -> m.values().stream())
                    .mapToDouble(Double::doubleValue)
                    .min()
                    .orElse(1)));
    return chart;
  }

  /** dp4j's accountant medians (ms) under the anchor-table labels. */
  static Map<String, Double> accountingMillis(List<JmhResult> results) {
    Map<String, Double> ours = new LinkedHashMap<>();
    for (JmhResult r : results) {
      double ms = toSeconds(r.median(), r.unit()) * 1e3;
      String steps = r.param("steps");
      String label =
          switch (r.simpleClass() + "." + r.method()) {
            case "RdpBenchmark.freshEpsilon" ->
                steps.equals("TEN_THOUSAND")
                    ? "RDP epsilon, 10^4 steps"
                    : "RDP epsilon, 10^5 steps";
            case "PldBenchmark.composeAndEpsilon" ->
                switch (steps) {
                  case "ONE_THOUSAND" -> "PLD epsilon, 10^3 steps";
                  case "TEN_THOUSAND" -> "PLD epsilon, 10^4 steps";
                  default -> "PLD epsilon, 10^5 steps";
                };
            case "CalibrationBenchmark.dpSgdNoiseMultiplier" ->
                "calibration " + r.param("accountant") + ", 10^4 steps";
            default -> null;
          };
      if (label != null) {
        ours.put(label, ms);
      }
    }
    return ours;
  }

  private static String accountingTable(List<JmhResult> results) {
    Map<String, Double> ours = accountingMillis(results);
    StringBuilder out =
        new StringBuilder("| workload | dp4j median (ms) | anchor median (ms) | anchor / dp4j |\n");
    out.append("|---|---|---|---|\n");
    ANCHOR_MS.forEach(
        (label, anchor) -> {
          Double mine = ours.get(label);
          if (mine != null) {
            out.append(
                String.format(
                    Locale.ROOT,
                    "| %s | %s | %s | %s× |%n",
                    label,
                    num(mine),
                    num(anchor),
                    num(anchor / mine)));
          }
        });
    return out.append('\n').toString();
  }

  private static CategoryChart accountingChart(List<JmhResult> results) {
    Map<String, Double> ours = accountingMillis(results);
    CategoryChart chart =
        new CategoryChartBuilder()
            .width(1000)
            .height(560)
            .title(
                "Accounting: dp4j (JMH median) vs fastest anchor (anchor_timings.md), same VM kind")
            .xAxisTitle(
                "workload (q = 256/60000, sigma = 1.1, delta = 1e-5; calibration to eps = 3)")
            .yAxisTitle("milliseconds")
            .build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setXAxisLabelRotation(20);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    List<String> labels = new ArrayList<>();
    List<Double> mine = new ArrayList<>();
    List<Double> anchor = new ArrayList<>();
    ANCHOR_MS.forEach(
        (label, a) -> {
          if (ours.containsKey(label)) {
            labels.add(label);
            mine.add(ours.get(label));
            anchor.add(a);
          }
        });
    if (labels.isEmpty()) {
      throw new IllegalArgumentException(
          "results must contain RdpBenchmark, PldBenchmark or "
              + "CalibrationBenchmark entries, got none");
    }
    chart
        .getStyler()
        .setYAxisMin(
            logFloor(
                Math.min(
                    mine.stream().mapToDouble(Double::doubleValue).min().orElse(1),
                    anchor.stream().mapToDouble(Double::doubleValue).min().orElse(1))));
    chart.addSeries("dp4j", labels, mine);
    chart.addSeries("anchor (Python)", labels, anchor);
    return chart;
  }
}

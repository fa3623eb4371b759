package org.dp4j.bench.tools;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the audit figure of {@code docs/audit.md} from the runs recorded in {@code
 * docs/data/audit-digits.jsonl} (one {@code dp4j audit --json} object per line): the audited lower
 * bound against the claimed epsilon, every run as a point and the mean of each series (canary kind,
 * number of canaries, score, and whether the noise was deliberately understated) as a line, with
 * the claim itself ({@code y = x}) as the line no correct run may cross; and prints the table of
 * the same runs in Markdown (runs, mean, minimum and maximum bound, ratio to the claim, runs above
 * the claim, mean f-DP epsilon within DP-SGD).
 *
 * <p>Usage: {@code java -Djava.awt.headless=true -cp dp-bench/target/benchmarks.jar
 * org.dp4j.bench.tools.AuditPlot TITLE OUT.png AUDITS.jsonl}
 */
public final class AuditPlot {

  private static final Pattern FIELD =
      Pattern.compile("\"([a-z_]+)\": (\"(?:[^\"\\\\]|\\\\.)*\"|[^,}]+)");

  private AuditPlot() {}

  /**
   * One audited run.
   *
   * @param series canary kind and score, with "understated noise xF" for a deliberately broken run
   * @param claimed the claimed epsilon
   * @param bound the (epsilon, delta) lower bound
   * @param fdpEpsilon the f-DP epsilon within DP-SGD (NaN when absent)
   * @param canaries the number of canaries
   */
  record Run(String series, double claimed, double bound, double fdpEpsilon, int canaries) {

    boolean exceeds() {
      return bound > claimed;
    }
  }

  /**
   * @param args {@code TITLE OUT.png AUDITS.jsonl}
   * @throws IOException when the file cannot be read or the PNG written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: AuditPlot TITLE OUT.png AUDITS.jsonl");
      System.exit(2);
    }
    List<Run> runs = parse(Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8));
    Path png = Path.of(args[1]);
    if (png.getParent() != null) {
      Files.createDirectories(png.getParent());
    }
    BitmapEncoder.saveBitmap(chart(args[0], runs), png.toString(), BitmapEncoder.BitmapFormat.PNG);
    System.out.print(table(runs));
    System.err.println("wrote " + png);
  }

  /**
   * Parses the JSON lines (blank lines and lines starting with {@code #} skipped).
   *
   * @throws IllegalArgumentException naming the line when a field is missing or malformed
   */
  static List<Run> parse(List<String> lines) {
    List<Run> runs = new ArrayList<>();
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Map<String, String> fields = new LinkedHashMap<>();
      Matcher m = FIELD.matcher(line);
      while (m.find()) {
        String value = m.group(2).strip();
        fields.put(
            m.group(1), value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
      }
      int canaries = (int) number(fields, "canaries", n);
      String series =
          field(fields, "canary_kind", n)
              + " canaries (m = "
              + canaries
              + "), "
              + scoreName(fields, n);
      if (fields.containsKey("understated_noise_factor")) {
        series +=
            ", noise understated x"
                + trim(number(fields, "understated_noise_factor", n))
                + " (deliberate fault)";
      }
      double fdp =
          fields.containsKey("fdp_epsilon_within_dp_sgd")
              ? number(fields, "fdp_epsilon_within_dp_sgd", n)
              : Double.NaN;
      runs.add(
          new Run(
              series,
              number(fields, "claimed_epsilon", n),
              number(fields, "lower_bound", n),
              fdp,
              canaries));
    }
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("audits must contain at least one run, got none");
    }
    return runs;
  }

  private static String scoreName(Map<String, String> fields, int line) {
    String kind = field(fields, "canary_kind", line);
    return kind.equals("input") ? "loss score" : field(fields, "canary_score", line) + " score";
  }

  private static String field(Map<String, String> fields, String name, int line) {
    String value = fields.get(name);
    if (value == null) {
      throw new IllegalArgumentException(
          "line " + (line + 1) + " must have the field " + name + ", got " + fields.keySet());
    }
    return value;
  }

  private static double number(Map<String, String> fields, String name, int line) {
    String value = field(fields, name, line);
    double x;
    try {
      x = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "line " + (line + 1) + ": " + name + " must be a number, got " + value, e);
    }
    if (!Double.isFinite(x)) {
      throw new IllegalArgumentException(
          "line " + (line + 1) + ": " + name + " must be finite, got " + value);
    }
    return x;
  }

  private static String trim(double x) {
    return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
  }

  /** The claimed epsilon, rounded to 3 significant digits: runs calibrated to one target. */
  static double target(double claimed) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.3g", claimed));
  }

  /** The runs of each series by target epsilon, series in order of first appearance. */
  static Map<String, Map<Double, List<Run>>> grouped(List<Run> runs) {
    Map<String, Map<Double, List<Run>>> groups = new LinkedHashMap<>();
    for (Run r : runs) {
      groups
          .computeIfAbsent(r.series(), k -> new TreeMap<>())
          .computeIfAbsent(target(r.claimed()), k -> new ArrayList<>())
          .add(r);
    }
    return groups;
  }

  /** The Markdown table: one row per series and target epsilon. */
  static String table(List<Run> runs) {
    StringBuilder s = new StringBuilder();
    s.append(
        "| canaries, score | claimed epsilon | m | runs | lower bound: mean (min-max) | mean ratio"
            + " | runs above the claim | f-DP epsilon within DP-SGD: mean |\n");
    s.append("|---|---|---|---|---|---|---|---|\n");
    grouped(runs)
        .forEach(
            (series, byTarget) ->
                byTarget.forEach(
                    (target, group) -> {
                      double[] bounds = group.stream().mapToDouble(Run::bound).toArray();
                      double mean = Arrays.stream(bounds).average().orElseThrow();
                      double fdp =
                          group.stream()
                              .mapToDouble(Run::fdpEpsilon)
                              .filter(x -> !Double.isNaN(x))
                              .average()
                              .orElse(Double.NaN);
                      s.append(
                          String.format(
                              Locale.ROOT,
                              "| %s | %s | %d | %d | %.3f (%.3f-%.3f) | %.3f | %d of %d | %s |%n",
                              series,
                              trim(target),
                              group.get(0).canaries(),
                              group.size(),
                              mean,
                              Arrays.stream(bounds).min().orElseThrow(),
                              Arrays.stream(bounds).max().orElseThrow(),
                              mean / target,
                              group.stream().filter(Run::exceeds).count(),
                              group.size(),
                              Double.isNaN(fdp) ? "-" : String.format(Locale.ROOT, "%.3f", fdp)));
                    }));
    return s.toString();
  }

  private static XYChart chart(String title, List<Run> runs) {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(720)
            .title(title)
            .xAxisTitle("claimed epsilon (delta = 1e-5)")
            .yAxisTitle("audited lower bound on epsilon (95%)")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setXAxisMin(0.0);
    chart.getStyler().setYAxisMin(0.0);
    double maxClaim = runs.stream().mapToDouble(Run::claimed).max().orElse(8);
    XYSeries claim =
        chart.addSeries(
            "the claim (y = x)", new double[] {0, maxClaim}, new double[] {0, maxClaim});
    claim.setLineStyle(SeriesLines.DASH_DASH);
    claim.setMarker(SeriesMarkers.NONE);
    claim.setLineColor(Color.GRAY);
    Color[] palette = {
      new Color(31, 119, 180),
      new Color(44, 160, 44),
      new Color(148, 103, 189),
      new Color(255, 127, 14),
      new Color(214, 39, 40),
      new Color(140, 86, 75)
    };
    int k = 0;
    for (Map.Entry<String, Map<Double, List<Run>>> e : grouped(runs).entrySet()) {
      Color color = palette[k++ % palette.length];
      String series = e.getKey();
      List<Run> all = e.getValue().values().stream().flatMap(List::stream).toList();
      XYSeries points =
          chart.addSeries(
              series + " (runs)",
              all.stream().mapToDouble(Run::claimed).toArray(),
              all.stream().mapToDouble(Run::bound).toArray());
      points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      points.setMarker(series.contains("fault") ? SeriesMarkers.CROSS : SeriesMarkers.DIAMOND);
      points.setMarkerColor(color);
      if (e.getValue().size() > 1) {
        XYSeries mean =
            chart.addSeries(
                series + " (mean)",
                e.getValue().keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                e.getValue().values().stream()
                    .mapToDouble(g -> g.stream().mapToDouble(Run::bound).average().orElseThrow())
                    .toArray());
        mean.setMarker(SeriesMarkers.CIRCLE);
        mean.setLineColor(color);
        mean.setMarkerColor(color);
      }
    }
    return chart;
  }
}

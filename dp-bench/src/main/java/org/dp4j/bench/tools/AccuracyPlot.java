package org.dp4j.bench.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the accuracy-against-epsilon figures of {@code docs/results.md} from the training runs
 * recorded in {@code docs/data/results-*.csv}: one line per model through the mean test accuracy of
 * its private runs at each epsilon (log-scaled epsilon axis), every single run as a point, and the
 * model's non-private accuracy as a dashed horizontal line.
 *
 * <p>The CSV has a header and the columns {@code model,epsilon,noise_multiplier,test_accuracy,...};
 * {@code epsilon} is a positive number for a private run or {@code non-private} for the baseline.
 * An optional column {@code series} splits a model's private runs into separately drawn settings
 * (for example two batch sizes), so that runs of different settings are never averaged together;
 * further columns (epochs, batch size, wall time) are documentation and are ignored here.
 *
 * <p>Usage: {@code java -Djava.awt.headless=true -cp dp-bench/target/benchmarks.jar
 * org.dp4j.bench.tools.AccuracyPlot TITLE OUT.png RESULTS.csv}
 */
public final class AccuracyPlot {

  /** The non-private label of the {@code epsilon} column. */
  static final String NON_PRIVATE = "non-private";

  private AccuracyPlot() {}

  /**
   * One training run: the model, the series it is drawn in (the model unless the CSV names a
   * setting), its epsilon (NaN for the non-private baseline) and accuracy.
   */
  record Run(String model, String series, double epsilon, double accuracy) {

    boolean isPrivate() {
      return !Double.isNaN(epsilon);
    }
  }

  /**
   * @param args {@code TITLE OUT.png RESULTS.csv}
   * @throws IOException when the CSV cannot be read or the PNG written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: AccuracyPlot TITLE OUT.png RESULTS.csv");
      System.exit(2);
    }
    List<Run> runs = parse(Files.readAllLines(Path.of(args[2]), StandardCharsets.UTF_8));
    Path png = Path.of(args[1]);
    if (png.getParent() != null) {
      Files.createDirectories(png.getParent());
    }
    BitmapEncoder.saveBitmap(chart(args[0], runs), png.toString(), BitmapEncoder.BitmapFormat.PNG);
    System.err.println("wrote " + png);
  }

  /**
   * Parses the CSV lines (header first; blank lines and lines starting with {@code #} skipped).
   *
   * @throws IllegalArgumentException naming the line when a row is malformed
   */
  static List<Run> parse(List<String> lines) {
    List<Run> runs = new ArrayList<>();
    boolean header = true;
    int seriesColumn = -1;
    int columns = 0;
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (header) {
        if (cells.length < 4
            || !cells[0].equals("model")
            || !cells[1].equals("epsilon")
            || !cells[3].equals("test_accuracy")) {
          throw new IllegalArgumentException(
              "line "
                  + (n + 1)
                  + " must be the header "
                  + "model,epsilon,noise_multiplier,test_accuracy,..., got "
                  + line);
        }
        seriesColumn = java.util.Arrays.asList(cells).indexOf("series");
        columns = cells.length;
        header = false;
        continue;
      }
      if (cells.length < 4) {
        throw new IllegalArgumentException(
            "line " + (n + 1) + " must have at least 4 columns, got " + line);
      }
      if (cells.length > columns) {
        throw new IllegalArgumentException(
            "line "
                + (n + 1)
                + " must have at most the header's "
                + columns
                + " columns (no commas inside a cell), got "
                + cells.length
                + ": "
                + line);
      }
      double epsilon = cells[1].equals(NON_PRIVATE) ? Double.NaN : number(cells[1], n, "epsilon");
      boolean baseline = cells[1].equals(NON_PRIVATE);
      if (!baseline && !(epsilon > 0 && epsilon < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException(
            "line "
                + (n + 1)
                + ": epsilon must be positive and "
                + "finite or "
                + NON_PRIVATE
                + ", got "
                + cells[1]);
      }
      double accuracy = number(cells[3], n, "test_accuracy");
      if (!(accuracy >= 0 && accuracy <= 1)) {
        throw new IllegalArgumentException(
            "line " + (n + 1) + ": test_accuracy must be in [0, 1], " + "got " + cells[3]);
      }
      String series =
          seriesColumn >= 0 && seriesColumn < cells.length && !cells[seriesColumn].isBlank()
              ? cells[seriesColumn]
              : cells[0];
      runs.add(new Run(cells[0], series, epsilon, accuracy));
    }
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("results must contain at least one run, got none");
    }
    return runs;
  }

  private static double number(String cell, int line, String column) {
    try {
      return Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "line " + (line + 1) + ": " + column + " must be a number, " + "got " + cell, e);
    }
  }

  /** Mean accuracy per epsilon of one series' private runs, in increasing epsilon. */
  static Map<Double, Double> meanByEpsilon(List<Run> runs, String series) {
    Map<Double, double[]> sums = new TreeMap<>();
    for (Run r : runs) {
      if (r.series().equals(series) && r.isPrivate()) {
        double[] s = sums.computeIfAbsent(r.epsilon(), k -> new double[2]);
        s[0] += r.accuracy();
        s[1]++;
      }
    }
    Map<Double, Double> means = new TreeMap<>();
    sums.forEach((e, s) -> means.put(e, s[0] / s[1]));
    return means;
  }

  private static XYChart chart(String title, List<Run> runs) {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(500)
            .title(title)
            .xAxisTitle("epsilon (delta = 1e-5)")
            .yAxisTitle("test accuracy")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setXAxisMin(0.0);
    double maxEps = runs.stream().filter(Run::isPrivate).mapToDouble(Run::epsilon).max().orElse(10);
    List<String> series = runs.stream().filter(Run::isPrivate).map(Run::series).distinct().toList();
    List<String> models = runs.stream().map(Run::model).distinct().toList();
    java.awt.Color[] palette = {
      new java.awt.Color(31, 119, 180),
      new java.awt.Color(214, 39, 40),
      new java.awt.Color(44, 160, 44),
      new java.awt.Color(148, 103, 189),
      new java.awt.Color(255, 127, 14),
      new java.awt.Color(140, 86, 75),
      new java.awt.Color(227, 119, 194),
      new java.awt.Color(188, 189, 34),
      new java.awt.Color(23, 190, 207),
      new java.awt.Color(127, 127, 127),
      new java.awt.Color(0, 0, 0),
      new java.awt.Color(174, 199, 232),
      new java.awt.Color(255, 187, 120),
      new java.awt.Color(152, 223, 138)
    };
    for (int m = 0; m < series.size(); m++) {
      String name = series.get(m);
      java.awt.Color color = palette[m % palette.length];
      Map<Double, Double> means = meanByEpsilon(runs, name);
      List<Run> seriesRuns =
          runs.stream().filter(r -> r.series().equals(name) && r.isPrivate()).toList();
      XYSeries line =
          chart.addSeries(
              seriesRuns.size() > means.size() ? name + " (mean)" : name,
              means.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
              means.values().stream().mapToDouble(Double::doubleValue).toArray());
      line.setMarker(SeriesMarkers.CIRCLE);
      line.setLineColor(color);
      line.setMarkerColor(color);
      if (seriesRuns.size() > means.size()) {
        XYSeries points =
            chart.addSeries(
                name + " (runs)",
                seriesRuns.stream().mapToDouble(Run::epsilon).toArray(),
                seriesRuns.stream().mapToDouble(Run::accuracy).toArray());
        points.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        points.setMarker(SeriesMarkers.DIAMOND);
        points.setMarkerColor(color.brighter());
      }
    }
    for (int m = 0; m < models.size(); m++) {
      String model = models.get(m);
      double[] baseline =
          runs.stream()
              .filter(r -> r.model().equals(model) && !r.isPrivate())
              .mapToDouble(Run::accuracy)
              .toArray();
      if (baseline.length > 0) {
        double mean = java.util.Arrays.stream(baseline).average().orElseThrow();
        XYSeries flat =
            chart.addSeries(
                model + " non-private", new double[] {0, maxEps}, new double[] {mean, mean});
        flat.setLineStyle(SeriesLines.DASH_DASH);
        flat.setMarker(SeriesMarkers.NONE);
        flat.setLineColor(palette[(series.size() + m) % palette.length]);
      }
    }
    return chart;
  }
}

package org.dp4j.bench.tools;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.event.GaussianEvent;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Produces the accounting comparison of {@code docs/accounting.md}: prints a Markdown table of
 * dp4j's RDP and PLD epsilons next to the anchors' on the reference grid, with summary ratios over
 * the whole grid, and writes {@code epsilon-vs-steps.png} into the image folder.
 *
 * <p>Usage (from the repository root, after {@code ./mvnw -q -DskipTests package}):
 *
 * <pre>
 * java -Djava.awt.headless=true -cp dp-bench/target/benchmarks.jar org.dp4j.bench.tools.AccountingReport ../shared/refdata docs/img
 * </pre>
 */
public final class AccountingReport {

  private AccountingReport() {}

  /**
   * @param args {@code REFDATA_DIR IMAGE_DIR}
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: AccountingReport REFDATA_DIR IMAGE_DIR");
      System.exit(2);
    }
    Path refdata = Path.of(args[0]);
    Path images = Path.of(args[1]);
    Files.createDirectories(images);
    PrintStream md = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    List<Map<String, String>> rdpRows = read(refdata.resolve("sgm_rdp.csv"));
    List<Map<String, String>> pldRows = read(refdata.resolve("sgm_pld.csv"));
    writeTable(md, rdpRows, pldRows);
    writeSummary(md, rdpRows, pldRows);
    Path png = images.resolve("epsilon-vs-steps.png");
    plot(png, pldRows);
    System.err.println("wrote " + png);
  }

  private static double epsilon(
      PrivacyAccountant accountant, double q, double sigma, long steps, double delta) {
    accountant.compose(new GaussianEvent(sigma).poissonSampled(q).repeated(steps));
    return accountant.epsilon(delta);
  }

  private static void writeTable(
      PrintStream md, List<Map<String, String>> rdpRows, List<Map<String, String>> pldRows) {
    md.println(
        "| q | σ | steps | δ | dp4j RDP | dp_accounting RDP | Opacus RDP | dp4j PLD | dp_accounting"
            + " PLD (vdi 1e-4) | MS PRV [lower, upper] |");
    md.println("|---|---|---|---|---|---|---|---|---|---|");
    for (Map<String, String> row : rdpRows) {
      double q = num(row, "q");
      double sigma = num(row, "sigma");
      long steps = (long) num(row, "steps");
      double delta = num(row, "delta");
      boolean shown =
          (row.get("q_label").equals("256/60000") || q == 0.01)
              && (sigma == 0.8 || sigma == 1.1 || sigma == 2.0)
              && (steps == 1000 || steps == 10000 || steps == 100000)
              && delta == 1e-5;
      if (!shown) {
        continue;
      }
      Map<String, String> pld = match(pldRows, row);
      double ours = epsilon(new RdpAccountant(), q, sigma, steps, delta);
      double oursPld = epsilon(new PldAccountant(), q, sigma, steps, delta);
      md.printf(
          Locale.ROOT,
          "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |%n",
          row.get("q_label"),
          row.get("sigma"),
          steps,
          row.get("delta"),
          fmt(ours),
          fmt(num(row, "dp_accounting_rdp_eps")),
          fmt(num(row, "opacus_rdp_eps")),
          fmt(oursPld),
          pld == null ? "—" : fmt(opt(pld, "dp_accounting_pld_eps_vdi_1e-4")),
          pld == null
              ? "—"
              : "["
                  + fmt(opt(pld, "ms_prv_eps_lower"))
                  + ", "
                  + fmt(opt(pld, "ms_prv_eps_upper"))
                  + "]");
    }
    md.println();
  }

  private static void writeSummary(
      PrintStream md, List<Map<String, String>> rdpRows, List<Map<String, String>> pldRows) {
    double worstRdpOverAnchor = 0;
    double bestRdpUnderAnchor = Double.POSITIVE_INFINITY;
    int rdpCount = 0;
    for (Map<String, String> row : rdpRows) {
      double anchor = Math.min(num(row, "dp_accounting_rdp_eps"), num(row, "opacus_rdp_eps"));
      if (!(anchor >= 0.01 && anchor <= 1000)) {
        continue;
      }
      double ours =
          epsilon(
              new RdpAccountant(),
              num(row, "q"),
              num(row, "sigma"),
              (long) num(row, "steps"),
              num(row, "delta"));
      worstRdpOverAnchor = Math.max(worstRdpOverAnchor, ours / anchor);
      bestRdpUnderAnchor = Math.min(bestRdpUnderAnchor, ours / anchor);
      rdpCount++;
    }
    double worstPldOverAnchor = 0;
    double minMarginOverLower = Double.POSITIVE_INFINITY;
    int pldCount = 0;
    for (Map<String, String> row : pldRows) {
      OptionalDouble anchor = opt(row, "dp_accounting_pld_eps_vdi_1e-4");
      if (anchor.isEmpty()) {
        continue;
      }
      double ours =
          epsilon(
              new PldAccountant(),
              num(row, "q"),
              num(row, "sigma"),
              (long) num(row, "steps"),
              num(row, "delta"));
      worstPldOverAnchor = Math.max(worstPldOverAnchor, ours / anchor.getAsDouble());
      OptionalDouble lower = opt(row, "ms_prv_eps_lower");
      if (lower.isPresent()) {
        minMarginOverLower = Math.min(minMarginOverLower, ours - lower.getAsDouble());
      }
      pldCount++;
    }
    md.printf(
        Locale.ROOT,
        "Over the whole grid: dp4j RDP / min(dp_accounting, Opacus) ranges from %.4f to %.4f (%d"
            + " rows with the anchors' ε in [0.01, 1000]); dp4j PLD / dp_accounting PLD (vdi 1e-4)"
            + " is at most %.4f (%d rows), and dp4j PLD − MS PRV lower bound is at least %.3g"
            + " (never below the lower bound).%n%n",
        bestRdpUnderAnchor,
        worstRdpOverAnchor,
        rdpCount,
        worstPldOverAnchor,
        pldCount,
        minMarginOverLower);
  }

  private static void plot(Path png, List<Map<String, String>> pldRows) throws IOException {
    double q = 256.0 / 60000;
    double sigma = 1.1;
    double delta = 1e-5;
    long[] steps = {10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000};
    double[] x = Arrays.stream(steps).asDoubleStream().toArray();
    double[] rdp = new double[steps.length];
    double[] pld = new double[steps.length];
    for (int i = 0; i < steps.length; i++) {
      rdp[i] = epsilon(new RdpAccountant(), q, sigma, steps[i], delta);
      pld[i] = epsilon(new PldAccountant(), q, sigma, steps[i], delta);
    }
    XYChart chart =
        new XYChartBuilder()
            .width(800)
            .height(500)
            .title("DP-SGD epsilon, q = 256/60000, sigma = 1.1, delta = 1e-5")
            .xAxisTitle("steps")
            .yAxisTitle("epsilon")
            .build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    chart.addSeries("dp4j RDP", x, rdp).setMarker(SeriesMarkers.NONE);
    chart.addSeries("dp4j PLD", x, pld).setMarker(SeriesMarkers.NONE);
    List<Double> ax = new ArrayList<>();
    List<Double> ay = new ArrayList<>();
    for (Map<String, String> row : pldRows) {
      if (row.get("q_label").equals("256/60000")
          && num(row, "sigma") == sigma
          && num(row, "delta") == delta
          && opt(row, "dp_accounting_pld_eps_vdi_1e-4").isPresent()) {
        ax.add(num(row, "steps"));
        ay.add(num(row, "dp_accounting_pld_eps_vdi_1e-4"));
      }
    }
    if (!ax.isEmpty()) {
      XYSeries anchors = chart.addSeries("dp_accounting PLD (reference)", ax, ay);
      anchors.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
      anchors.setMarker(SeriesMarkers.CIRCLE);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static Map<String, String> match(
      List<Map<String, String>> rows, Map<String, String> key) {
    for (Map<String, String> row : rows) {
      if (row.get("q").equals(key.get("q"))
          && row.get("sigma").equals(key.get("sigma"))
          && row.get("steps").equals(key.get("steps"))
          && row.get("delta").equals(key.get("delta"))) {
        return row;
      }
    }
    return null;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  private static String fmt(OptionalDouble v) {
    return v.isPresent() ? fmt(v.getAsDouble()) : "—";
  }

  private static double num(Map<String, String> row, String column) {
    return Double.parseDouble(row.get(column));
  }

  private static OptionalDouble opt(Map<String, String> row, String column) {
    String v = row.get(column);
    return v == null || v.isEmpty()
        ? OptionalDouble.empty()
        : OptionalDouble.of(Double.parseDouble(v));
  }

  private static List<Map<String, String>> read(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    String[] header = lines.get(0).split(",", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      Map<String, String> row = new HashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], cells[i]);
      }
      rows.add(row);
    }
    return rows;
  }
}

package org.dp4j.bench.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.dp4j.core.internal.Checks;

/**
 * The verdicts of all checks of one guard run, and their table.
 *
 * @param outcomes one per check, in the order of the thresholds
 */
public record GuardReport(List<GuardOutcome> outcomes) {

  /** Copies the list; rejects null and an empty list. */
  public GuardReport {
    Checks.noNulls("outcomes", outcomes);
    Checks.require(!outcomes.isEmpty(), "outcomes", "non-empty", "[]");
    outcomes = List.copyOf(outcomes);
  }

  /**
   * Evaluates every check against one run's measurements.
   *
   * @throws IllegalArgumentException when a benchmark a check needs was not measured
   */
  public static GuardReport evaluate(
      List<GuardCheck> checks, Map<String, GuardMeasurement> measurements) {
    Checks.noNulls("checks", checks);
    List<GuardOutcome> outcomes = new ArrayList<>();
    for (GuardCheck check : checks) {
      outcomes.add(GuardOutcome.evaluate(check, measurements));
    }
    return new GuardReport(outcomes);
  }

  /** True when every check passed. */
  public boolean passed() {
    return outcomes.stream().allMatch(GuardOutcome::passed);
  }

  /** The checks that failed, in order. */
  public List<GuardOutcome> violations() {
    return outcomes.stream().filter(o -> !o.passed()).toList();
  }

  /**
   * A plain-text table, one row per check: the hot path's and the baseline's median time per call
   * with the range of the iterations, the measured speed ratio (baseline / hot path), the reference
   * ratio, the minimum and the verdict; then a legend naming the benchmarks and a one-line summary.
   */
  public String table() {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "check", "hot path us/call", "baseline us/call", "ratio", "reference", "min", "verdict"
        });
    for (GuardOutcome o : outcomes) {
      rows.add(
          new String[] {
            o.check().name(),
            describe(o.hot()),
            describe(o.baseline()),
            ratio(o.speedRatio()),
            ratio(o.check().referenceSpeedRatio()),
            ratio(o.check().minSpeedRatio()),
            o.passed() ? "ok" : "FAIL: hot path too slow"
          });
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      String[] row = rows.get(r);
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        line.append(c == 0 ? "" : " | ").append(pad(row[c], widths[c], c >= 1 && c <= 5));
      }
      out.append(line.toString().stripTrailing()).append('\n');
      if (r == 0) {
        out.append("-".repeat(line.length())).append('\n');
      }
    }
    out.append(
        "times: median (min-max) of the measured iterations; ratio = baseline min / hot-path"
            + " min (fastest iterations), must be >= min\n");
    for (GuardOutcome o : outcomes) {
      out.append("  ")
          .append(o.check().name())
          .append(": ")
          .append(o.check().hotBenchmark())
          .append(" vs ")
          .append(o.check().baselineBenchmark())
          .append('\n');
    }
    int failed = violations().size();
    out.append(
        failed == 0
            ? "benchmark guard: PASSED, all " + outcomes.size() + " checks\n"
            : "benchmark guard: FAILED, "
                + failed
                + " of "
                + outcomes.size()
                + " checks below their"
                + " minimum speed ratio\n");
    return out.toString();
  }

  private static String pad(String text, int width, boolean right) {
    String fill = " ".repeat(width - text.length());
    return right ? fill + text : text + fill;
  }

  private static String ratio(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }

  private static String describe(GuardMeasurement m) {
    return String.format(Locale.ROOT, "%.1f (%.1f-%.1f)", m.median(), m.min(), m.max());
  }
}

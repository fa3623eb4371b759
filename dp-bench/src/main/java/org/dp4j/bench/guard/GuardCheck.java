package org.dp4j.bench.guard;

import org.dp4j.core.internal.Checks;

/**
 * One guarded ratio: a hot-path benchmark, its same-run baseline, and the smallest acceptable speed
 * ratio {@code baseline time / hot-path time}.
 *
 * <p>A ratio of 0.05 means "the hot path may take at most 20 times as long as the baseline". The
 * check fails when the measured ratio is below {@link #minSpeedRatio()}, that is when the hot path
 * got slower relative to the baseline.
 *
 * @param name short identifier, used in the table (letters, digits, '-' and '_')
 * @param hotBenchmark benchmark method as {@code SimpleClassName.method}, in {@code
 *     org.dp4j.bench.guard}
 * @param baselineBenchmark the baseline method, same form
 * @param referenceSpeedRatio the ratio measured when the threshold was set (median of guard runs on
 *     the development machine); positive and finite, documentation for the margin
 * @param minSpeedRatio smallest acceptable {@code baseline fastest / hot-path fastest} iteration
 *     ratio; positive, finite and at most {@code referenceSpeedRatio}
 * @throws IllegalArgumentException on a blank or malformed name, a benchmark not of the form {@code
 *     Class.method}, a ratio that is not positive and finite (NaN included), or a minimum above the
 *     reference
 */
public record GuardCheck(
    String name,
    String hotBenchmark,
    String baselineBenchmark,
    double referenceSpeedRatio,
    double minSpeedRatio) {

  /** Validates every component. */
  public GuardCheck {
    Checks.notNull("name", name);
    Checks.require(
        name.matches("[A-Za-z0-9_-]+"),
        "name",
        "non-empty letters, digits, '-' or '_'",
        "'" + name + "'");
    requireBenchmark("hotBenchmark", hotBenchmark);
    requireBenchmark("baselineBenchmark", baselineBenchmark);
    Checks.require(
        !hotBenchmark.equals(baselineBenchmark),
        "baselineBenchmark",
        "different from hotBenchmark",
        baselineBenchmark);
    Checks.positiveFinite(name + ".reference-speed-ratio", referenceSpeedRatio);
    Checks.positiveFinite(name + ".min-speed-ratio", minSpeedRatio);
    Checks.require(
        minSpeedRatio <= referenceSpeedRatio,
        name + ".min-speed-ratio",
        "at most the reference-speed-ratio " + referenceSpeedRatio,
        minSpeedRatio);
  }

  /**
   * The margin {@code referenceSpeedRatio / minSpeedRatio}: how many times slower (relative to its
   * baseline) the hot path may get before the check fails.
   */
  public double margin() {
    return referenceSpeedRatio / minSpeedRatio;
  }

  /** True when {@code speedRatio} is at least {@link #minSpeedRatio()}; NaN never passes. */
  public boolean accepts(double speedRatio) {
    return speedRatio >= minSpeedRatio;
  }

  private static void requireBenchmark(String parameter, String benchmark) {
    Checks.notNull(parameter, benchmark);
    Checks.require(
        benchmark.matches("[A-Za-z_$][A-Za-z0-9_$]*\\.[A-Za-z_$][A-Za-z0-9_$]*"),
        parameter,
        "of the form SimpleClassName.method",
        "'" + benchmark + "'");
  }
}

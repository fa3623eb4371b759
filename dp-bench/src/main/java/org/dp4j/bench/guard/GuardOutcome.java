package org.dp4j.bench.guard;

import java.util.Map;
import org.dp4j.core.internal.Checks;

/**
 * The verdict of one {@link GuardCheck} on one run.
 *
 * @param check the check
 * @param hot the hot path's measurement
 * @param baseline the baseline's measurement
 * @param speedRatio {@code baseline.min / hot.min}: fastest iterations, see {@link #evaluate}
 * @param passed whether {@code speedRatio >= check.minSpeedRatio()}
 */
public record GuardOutcome(
    GuardCheck check,
    GuardMeasurement hot,
    GuardMeasurement baseline,
    double speedRatio,
    boolean passed) {

  /**
   * Evaluates a check against the measurements of a run. The ratio compares the <em>fastest</em>
   * iterations: load from other processes and transient JIT states (the secure AES-CTR path is
   * sometimes bimodal on a busy machine, single iterations up to 5x slower) only ever add time,
   * while a real regression of the hot path slows every iteration, the fastest included.
   *
   * @param check the check
   * @param measurements measurements keyed by benchmark ({@code SimpleClassName.method})
   * @return the outcome, with the ratio of the fastest iterations
   * @throws IllegalArgumentException when the hot path or the baseline was not measured
   */
  public static GuardOutcome evaluate(
      GuardCheck check, Map<String, GuardMeasurement> measurements) {
    Checks.notNull("check", check);
    Checks.notNull("measurements", measurements);
    GuardMeasurement hot = measurements.get(check.hotBenchmark());
    GuardMeasurement baseline = measurements.get(check.baselineBenchmark());
    Checks.require(
        hot != null, "measurements", "holding " + check.hotBenchmark(), measurements.keySet());
    Checks.require(
        baseline != null,
        "measurements",
        "holding " + check.baselineBenchmark(),
        measurements.keySet());
    double ratio = baseline.min() / hot.min();
    return new GuardOutcome(check, hot, baseline, ratio, check.accepts(ratio));
  }
}

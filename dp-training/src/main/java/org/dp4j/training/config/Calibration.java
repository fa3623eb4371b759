package org.dp4j.training.config;

import java.util.OptionalDouble;
import org.dp4j.core.internal.Checks;

/**
 * How the noise multiplier of a run with a target budget was found: the larger of two calibrations,
 * each the smallest multiplier that meets its goal (epsilon falls as the multiplier grows, so the
 * larger meets both). The calibrations are {@code
 * org.dp4j.core.calibration.NoiseCalibration#noiseMultiplier}'s, which return the private end of
 * their bracket.
 *
 * @param forTarget the multiplier with which the planned steps alone spend at most the run's target
 * @param forFilter the multiplier with which everything the budget filter already holds, composed
 *     with the planned steps, stays within the filter's budget; empty when the filter cannot bind
 *     (an odometer, or a limited filter that holds nothing and whose budget is at least the target)
 */
public record Calibration(double forTarget, OptionalDouble forFilter) {

  /**
   * Validates the multipliers.
   *
   * @param forTarget positive and finite
   * @param forFilter empty, or positive and finite
   */
  public Calibration {
    Checks.positiveFinite("forTarget", forTarget);
    Checks.notNull("forFilter", forFilter);
    forFilter.ifPresent(z -> Checks.positiveFinite("forFilter", z));
  }

  /** {@return the multiplier used: the larger of the two} */
  public double noiseMultiplier() {
    return Math.max(forTarget, forFilter.orElse(forTarget));
  }

  /** {@return whether the filter's remaining budget, not the run's target, set the noise} */
  public boolean filterSetsTheNoise() {
    return forFilter.isPresent() && forFilter.getAsDouble() > forTarget;
  }
}

package org.dp4j.mechanisms.aggregation;

import org.dp4j.core.internal.Checks;

/**
 * Clamping bounds for one person's contribution: every value is moved into {@code [lower, upper]}.
 * The bounds must be chosen without looking at the data.
 *
 * @param lower finite
 * @param upper finite and {@code >= lower}
 */
public record Bounds(double lower, double upper) {

  /**
   * Validates the bounds.
   *
   * @param lower finite
   * @param upper finite and {@code >= lower}, with {@code upper - lower} finite
   * @throws IllegalArgumentException when a rule is broken (NaN included)
   */
  public Bounds {
    Checks.finite("lower", lower);
    Checks.finite("upper", upper);
    Checks.require(upper >= lower, "upper", ">= lower = " + lower, upper);
    Checks.finite("upper - lower", upper - lower);
  }

  /**
   * Clamps a value into the bounds.
   *
   * @param value any value
   * @return the nearest value in {@code [lower, upper]}; NaN stays NaN
   */
  public double clamp(double value) {
    return value < lower ? lower : value > upper ? upper : value;
  }

  /**
   * {@return {@code max(|lower|, |upper|)}: how much one clamped value can change a sum under
   * add/remove}
   */
  public double maxMagnitude() {
    return Math.max(Math.abs(lower), Math.abs(upper));
  }

  /** {@return the midpoint {@code (lower + upper) / 2}} */
  public double midpoint() {
    return lower / 2 + upper / 2;
  }

  /** {@return half the width, {@code (upper - lower) / 2}} */
  public double halfWidth() {
    return upper / 2 - lower / 2;
  }
}

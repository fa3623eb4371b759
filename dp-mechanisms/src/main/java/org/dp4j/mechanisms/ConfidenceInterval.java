package org.dp4j.mechanisms;

import org.dp4j.core.internal.Checks;

/**
 * An interval that contains the true (noiseless) value with probability at least {@code
 * confidenceLevel}, over the mechanism's randomness. The bounds are rounded outwards.
 *
 * @param lower lower bound, not NaN
 * @param upper upper bound, {@code >= lower}
 * @param confidenceLevel in {@code (0, 1)}
 */
public record ConfidenceInterval(double lower, double upper, double confidenceLevel) {

  /**
   * Validates the bounds and the level.
   *
   * @param lower not NaN
   * @param upper {@code >= lower}
   * @param confidenceLevel in {@code (0, 1)}
   * @throws IllegalArgumentException when a rule is broken
   */
  public ConfidenceInterval {
    Checks.require(!Double.isNaN(lower), "lower", "not NaN", lower);
    Checks.require(upper >= lower, "upper", ">= lower = " + lower, upper);
    Checks.require(
        confidenceLevel > 0 && confidenceLevel < 1,
        "confidenceLevel",
        "in (0, 1)",
        confidenceLevel);
  }

  /**
   * Whether the interval contains a value.
   *
   * @param value any value; NaN is never contained
   * @return {@code lower <= value <= upper}
   */
  public boolean contains(double value) {
    return lower <= value && value <= upper;
  }

  /** {@return the width, {@code upper - lower}} */
  public double width() {
    return upper - lower;
  }
}

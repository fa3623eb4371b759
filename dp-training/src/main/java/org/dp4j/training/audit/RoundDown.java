package org.dp4j.training.audit;

/**
 * Pessimistic rounding for lower bounds computed from special functions: a relative {@link
 * #RELATIVE_SLACK} (far above their relative error, about {@code 1e-14}) is taken off.
 */
final class RoundDown {

  /** Relative amount taken off. */
  static final double RELATIVE_SLACK = 1e-9;

  private RoundDown() {}

  /** {@code x} made smaller by the slack; 0 and negative values stay as they are. */
  static double of(double x) {
    return x > 0 ? x * (1 - RELATIVE_SLACK) : x;
  }
}

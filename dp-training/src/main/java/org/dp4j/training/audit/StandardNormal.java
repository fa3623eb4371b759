package org.dp4j.training.audit;

import org.apache.commons.math3.special.Erf;
import org.dp4j.core.internal.LogMath;

/** The standard normal distribution function and its inverse, accurate in the tails. */
final class StandardNormal {

  private static final double SQRT2 = Math.sqrt(2.0);

  private StandardNormal() {}

  /** {@code Phi(x)}: 0 at {@code -inf}, 1 at {@code +inf}. */
  static double cdf(double x) {
    return LogMath.normalCdf(x);
  }

  /** {@code Phi^-1(p)}: {@code -inf} at 0, {@code +inf} at 1. */
  static double quantile(double p) {
    if (p <= 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (p >= 1) {
      return Double.POSITIVE_INFINITY;
    }
    return -SQRT2 * Erf.erfcInv(2 * p);
  }
}

package org.dp4j.core.internal;

import org.apache.commons.math3.special.Erf;

/**
 * Log-space arithmetic and Gaussian tails that stay accurate where the plain formulas underflow or
 * cancel. Not public API.
 *
 * <p>NaN in, NaN out, unless stated otherwise.
 */
public final class LogMath {

  private static final double LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
  private static final double SQRT2 = Math.sqrt(2.0);

  /**
   * Above this argument {@code erfc} is taken from its asymptotic series; below it Commons Math's
   * {@link Erf#erfc(double)} (relative error about 1e-15) does not yet underflow: erfc(26) is about
   * 5.6e-296, and at x = 26 the series' terms fall below 1e-16 after six terms.
   */
  private static final double ERFC_ASYMPTOTIC_FROM = 26.0;

  private LogMath() {}

  /** {@code log(exp(a) + exp(b))}, exact for infinite arguments. */
  public static double logAddExp(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    double max = Math.max(a, b);
    if (max == Double.POSITIVE_INFINITY) {
      return max;
    }
    return max + Math.log1p(Math.exp(-Math.abs(a - b)));
  }

  /**
   * {@code log(exp(a) - exp(b))} for {@code a >= b}; {@code -inf} when {@code a == b}.
   *
   * @throws IllegalArgumentException when {@code a < b} (the difference would be negative)
   */
  public static double logSubExp(double a, double b) {
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    Checks.require(a >= b, "a", ">= b = " + b + " (log of a negative number)", a);
    if (a == b) {
      return Double.NEGATIVE_INFINITY;
    }
    return a + log1mExp(b - a);
  }

  /**
   * {@code log(1 - exp(x))} for {@code x <= 0}, accurate near 0 and for very negative x (Maechler
   * 2012, "Accurately computing log(1 - exp(-|a|))").
   */
  public static double log1mExp(double x) {
    Checks.require(x <= 0, "x", "<= 0", x);
    return x > -Math.log(2.0) ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
  }

  /**
   * {@code log(erfc(x))} for every real x, accurate in the far right tail where {@code erfc}
   * underflows (asymptotic series, Abramowitz &amp; Stegun 7.1.23).
   */
  public static double logErfc(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x < ERFC_ASYMPTOTIC_FROM) {
      return Math.log(Erf.erfc(x));
    }
    if (x == Double.POSITIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    double inv2x2 = 1.0 / (2.0 * x * x);
    double term = 1.0;
    double sum = 1.0;
    for (int n = 1; n < 12; n++) {
      term *= -(2 * n - 1) * inv2x2;
      sum += term;
    }
    return -x * x - Math.log(x) - LOG_SQRT_PI + Math.log(sum);
  }

  /** {@code log Phi(x)}, the log of the standard normal CDF, accurate in both tails. */
  public static double logNormalCdf(double x) {
    return Math.log(0.5) + logErfc(-x / SQRT2);
  }

  /** {@code Phi(x)}, the standard normal CDF, with full relative accuracy in the lower tail. */
  public static double normalCdf(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    return 0.5 * Erf.erfc(-x / SQRT2);
  }
}

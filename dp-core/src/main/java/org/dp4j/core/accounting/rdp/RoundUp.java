package org.dp4j.core.accounting.rdp;

/**
 * Pessimistic floating-point helpers: each result is at least the exact value of the operation on
 * the (already rounded-up) inputs. Round-to-nearest is off by at most half an ulp, so one {@link
 * Math#nextUp(double)} after an exactly-rounded operation covers it. Package-private.
 */
final class RoundUp {

  /** Twice the unit round-off, {@code 2^-52}. */
  static final double MACHINE_EPSILON = Math.ulp(1.0);

  /**
   * Relative error bound of a closed form evaluated with a handful of correctly rounded operations,
   * for {@link #relative(double, double)}.
   */
  static final double CLOSED_FORM_ERROR = 16 * MACHINE_EPSILON;

  private RoundUp() {}

  /** {@code a + b} rounded up; {@code +Infinity} stays infinite. Inputs are {@code >= 0}. */
  static double sum(double a, double b) {
    if (b == 0.0) {
      return a;
    }
    if (a == 0.0) {
      return b;
    }
    return Math.nextUp(a + b);
  }

  /**
   * {@code times * value} rounded up, for {@code times >= 1} and {@code value >= 0}; exact when
   * {@code times == 1}, and 0 when {@code value == 0} (even for infinite {@code times}).
   */
  static double product(double times, double value) {
    if (value == 0.0 || times == 1.0) {
      return value;
    }
    return Math.nextUp(times * value);
  }

  /**
   * {@code x} enlarged by a relative error bound: {@code nextUp(x + |x| * relative)}. Used for
   * closed forms computed with a few correctly rounded operations, each off by at most one ulp.
   * Zero (an exact result) and non-finite values are returned unchanged.
   */
  static double relative(double x, double relative) {
    if (x == 0.0 || !Double.isFinite(x)) {
      return x;
    }
    return Math.nextUp(x + Math.abs(x) * relative);
  }
}

package org.dp4j.core.accounting.pld;

import org.dp4j.core.internal.LogMath;

/**
 * Test oracle: the exact privacy profile of the Gaussian mechanism with sensitivity 1 and noise
 * {@code s}, {@code delta(eps) = Phi(1/(2s) - eps s) - e^eps Phi(-1/(2s) - eps s)} (Balle &amp;
 * Wang 2018, Thm. 8), and its inverse by bisection.
 */
final class ExactGaussian {

  private ExactGaussian() {}

  static double delta(double sigma, double epsilon) {
    double a = 0.5 / sigma - epsilon * sigma;
    double b = -0.5 / sigma - epsilon * sigma;
    // Phi(a) - e^eps Phi(b), with the second term in log space.
    double first = LogMath.normalCdf(a);
    double second = Math.exp(epsilon + LogMath.logNormalCdf(b));
    return Math.max(0.0, first - second);
  }

  /** The smallest eps >= 0 with delta(eps) <= target, to about 1e-13 absolute. */
  static double epsilon(double sigma, double target) {
    if (delta(sigma, 0.0) <= target) {
      return 0.0;
    }
    double lo = 0.0;
    double hi = 1.0;
    while (delta(sigma, hi) > target) {
      lo = hi;
      hi *= 2;
    }
    for (int i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1.0, hi); i++) {
      double mid = 0.5 * (lo + hi);
      if (delta(sigma, mid) > target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }
}

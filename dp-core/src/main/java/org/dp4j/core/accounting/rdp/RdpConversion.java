package org.dp4j.core.accounting.rdp;

/**
 * Conversion from Renyi DP to (epsilon, delta)-DP, shared by {@link RdpAccountant} (a grid of
 * orders) and {@link ZcdpAccountant} (a continuous order). Package-private.
 *
 * <p>For a mechanism that is {@code (alpha, tau)}-RDP, Canonne, Kamath &amp; Steinke 2020 ("The
 * Discrete Gaussian for Differential Privacy", Prop. 12; equivalently Balle et al. 2020,
 * "Hypothesis Testing Interpretations and Renyi Differential Privacy", Thm 21) give (epsilon,
 * delta)-DP with
 *
 * <pre>
 *   epsilon = tau + log((alpha - 1) / alpha) - (log delta + log alpha) / (alpha - 1)
 *   delta   = exp((alpha - 1)(tau - epsilon)) * (1 - 1/alpha)^(alpha - 1) / alpha
 * </pre>
 *
 * <p>It is tighter than Mironov's original {@code tau + log(1/delta) / (alpha - 1)} (Mironov 2017,
 * Prop. 3). Epsilon is clamped at 0 and delta capped at 1.
 *
 * <p>In addition, the Kullback-Leibler divergence is at most the Renyi divergence of any order
 * {@code alpha > 1} (monotonicity, van Erven &amp; Harremoes 2014, Thm 3), and the total variation
 * distance is at most {@code sqrt(1 - exp(-KL))} (Bretagnolle &amp; Huber 1979; see Canonne 2022,
 * arXiv:2202.07198). Since {@code (0, delta)}-DP is total variation at most delta, every order also
 * gives {@code delta(epsilon) <= sqrt(1 - exp(-tau))} for all epsilon; in particular epsilon is 0
 * when that is already at most the target delta (dp_accounting applies the same rule).
 *
 * <p>All values are rounded pessimistically: epsilon up, delta up, with an explicit bound on the
 * floating-point error of each formula.
 */
final class RdpConversion {

  /** Relative error bound, in units of machine epsilon, of the few operations in each formula. */
  private static final double FORMULA_ERROR_ULPS = 8.0;

  private RdpConversion() {}

  /**
   * Epsilon certified by one order, rounded up, not clamped.
   *
   * @param alphaMinusOne {@code alpha - 1 > 0} (passed directly so that orders near 1 keep their
   *     precision)
   * @param rdp the RDP {@code tau >= 0} at that order, possibly {@code +Infinity}
   * @param logDelta {@code log(delta)}, finite and negative
   * @return the epsilon of the CKS bound, possibly negative or {@code +Infinity}
   */
  static double epsilonAt(double alphaMinusOne, double rdp, double logDelta) {
    if (rdp == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    double logAlpha = Math.log1p(alphaMinusOne);
    double logRatio = Math.log(alphaMinusOne) - logAlpha;
    double tail = (logDelta + logAlpha) / alphaMinusOne;
    double value = rdp + logRatio - tail;
    double ownError =
        FORMULA_ERROR_ULPS
            * RoundUp.MACHINE_EPSILON
            * (rdp
                + Math.abs(Math.log(alphaMinusOne))
                + logAlpha
                + (Math.abs(logDelta) + logAlpha) / alphaMinusOne);
    // Extra margin so that delta computed back at this epsilon (by logDeltaAt, rounded up, then
    // exp and nextUp) is at most the target delta: the round trip stays pessimistic.
    double roundTripMargin =
        (2.0 * logDeltaError(alphaMinusOne, rdp, Math.abs(value) + ownError)
                + 4.0 * RoundUp.MACHINE_EPSILON)
            / alphaMinusOne;
    return Math.nextUp(value + ownError + roundTripMargin);
  }

  /**
   * {@code log(delta)} certified by one order at the given epsilon, rounded up, not capped.
   *
   * @param alphaMinusOne {@code alpha - 1 > 0}
   * @param rdp the RDP at that order, possibly {@code +Infinity}
   * @param epsilon target epsilon, finite and {@code >= 0}
   * @return log delta of the CKS bound, possibly positive or {@code +Infinity}
   */
  static double logDeltaAt(double alphaMinusOne, double rdp, double epsilon) {
    if (rdp == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    double logAlpha = Math.log1p(alphaMinusOne);
    double logRatio = Math.log(alphaMinusOne) - logAlpha;
    double value = alphaMinusOne * (rdp - epsilon + logRatio) - logAlpha;
    return Math.nextUp(value + logDeltaError(alphaMinusOne, rdp, epsilon));
  }

  /** Bound on the floating-point error of {@link #logDeltaAt}'s formula. */
  private static double logDeltaError(double alphaMinusOne, double rdp, double epsilon) {
    double logAlpha = Math.log1p(alphaMinusOne);
    return FORMULA_ERROR_ULPS
        * RoundUp.MACHINE_EPSILON
        * (alphaMinusOne * (rdp + epsilon + Math.abs(Math.log(alphaMinusOne)) + logAlpha)
            + logAlpha);
  }

  /**
   * The total-variation bound {@code sqrt(1 - exp(-kl))} from a KL bound, rounded up.
   *
   * @param klBound an upper bound on the KL divergence, {@code >= 0}
   * @return a bound on delta at epsilon 0, in {@code [0, 1]}
   */
  static double totalVariationBound(double klBound) {
    if (klBound == 0.0) {
      return 0.0;
    }
    double tv = Math.sqrt(-Math.expm1(-klBound));
    return Math.min(1.0, RoundUp.relative(tv, FORMULA_ERROR_ULPS * RoundUp.MACHINE_EPSILON));
  }

  /**
   * The best epsilon over a grid of orders.
   *
   * @param orders orders {@code > 1}, increasing
   * @param rdp RDP per order, {@code >= 0}
   * @param delta target delta in {@code [0, 1)}
   * @return the smallest certified epsilon ({@code >= 0}) and the order attaining it; the order is
   *     NaN when epsilon is infinite
   */
  static EpsilonAndOrder epsilon(double[] orders, double[] rdp, double delta) {
    int smallest = 0;
    for (int k = 1; k < rdp.length; k++) {
      if (rdp[k] < rdp[smallest]) {
        smallest = k;
      }
    }
    if (rdp[smallest] == 0.0 || totalVariationBound(rdp[smallest]) <= delta) {
      // identical output distributions (Renyi divergence 0), or (0, delta)-DP by total variation
      return new EpsilonAndOrder(0.0, orders[smallest]);
    }
    if (delta == 0.0) {
      return new EpsilonAndOrder(Double.POSITIVE_INFINITY, Double.NaN);
    }
    double logDelta = Math.log(delta);
    double best = Double.POSITIVE_INFINITY;
    double bestOrder = Double.NaN;
    for (int k = 0; k < orders.length; k++) {
      double eps = epsilonAt(orders[k] - 1.0, rdp[k], logDelta);
      if (eps < best) {
        best = eps;
        bestOrder = orders[k];
      }
    }
    return new EpsilonAndOrder(Math.max(0.0, best), bestOrder);
  }

  /**
   * The best delta over a grid of orders.
   *
   * @param orders orders {@code > 1}
   * @param rdp RDP per order, {@code >= 0}
   * @param epsilon target epsilon, finite and {@code >= 0}
   * @return the smallest certified delta, in {@code [0, 1]}
   */
  static double delta(double[] orders, double[] rdp, double epsilon) {
    double best = 1.0;
    for (int k = 0; k < orders.length; k++) {
      if (rdp[k] == 0.0) {
        return 0.0;
      }
      best = Math.min(best, totalVariationBound(rdp[k]));
      double logDelta = logDeltaAt(orders[k] - 1.0, rdp[k], epsilon);
      if (logDelta < 0.0) {
        best = Math.min(best, Math.nextUp(Math.exp(logDelta)));
      }
    }
    return best;
  }
}

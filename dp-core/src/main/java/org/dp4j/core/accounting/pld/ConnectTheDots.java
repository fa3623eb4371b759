package org.dp4j.core.accounting.pld;

/**
 * Discretises a {@link LossPair} onto the grid {@code {i * h}} by the connect-the-dots method of
 * Doroshenko, Ghazi, Kamath, Kumar &amp; Manurangsi 2022 ("Connect the Dots: Tighter Discrete
 * Approximations of Privacy Loss Distributions", PETS 2022, Sec. 3 and Thm. 3.2).
 *
 * <p>For each interval {@code (l_j, l_j + h]} with P-mass {@code a} and Q-mass {@code b} (so that
 * the interval's mean likelihood ratio {@code a/b} lies in {@code [e^{l_j}, e^{l_j + h}]}), the
 * mass is split between the two end points so that both the P-mass and the Q-mass are preserved:
 * the fraction {@code f = (1 - e^{l_j} b / a) / (1 - e^{-h})} of {@code a} goes to {@code l_j + h},
 * the rest to {@code l_j}. The resulting pair has the same hockey-stick divergence as the true pair
 * at every grid point and a larger one in between (the curve {@code delta(e^eps)} is convex and the
 * split interpolates it linearly), so it dominates the true pair and its composition dominates the
 * true composition (Zhu, Dong &amp; Wang 2022, Lemma 2). Mass below the lowest grid point is moved
 * up to it (loss rounded up), mass above the highest grid point goes to {@code +infinity}: both
 * pessimistic. Compared with rounding every loss up (Meiser &amp; Mohammadi 2018), the bias per
 * composition is of order {@code h^2} instead of {@code h}. Not public API.
 */
final class ConnectTheDots {

  /**
   * Target tail mass for the grid hints of {@link LossPair#lowLoss()} and {@link
   * LossPair#highLoss()}, about {@code 1e-21} per step; it only affects tightness, never soundness.
   */
  static final double TAIL_MASS = 1e-21;

  /** Largest one-step grid accepted, in points (memory guard: 64 MiB of doubles). */
  static final int MAX_POINTS = 1 << 23;

  /** Grid points added above a {@link LossPair#highLoss()} hint that proves too low. */
  private static final int MAX_EXTRA_TOP_POINTS = 8;

  private ConnectTheDots() {}

  /**
   * The number of grid points {@link #discretize(LossPair, double)} would use, as a double (so that
   * it cannot overflow): {@code +inf} or NaN when the range cannot be gridded at all.
   */
  static double gridPoints(LossPair pair, double interval) {
    double lo = Math.floor(pair.lowLoss() / interval);
    double hi = Math.ceil(pair.highLoss() / interval);
    // The coverage adjustments may add a point below and a few above.
    return Math.max(hi - lo, 0.0) + 3.0 + MAX_EXTRA_TOP_POINTS;
  }

  /**
   * The grid indices {@code [lo, hi]} of the discretisation: the smallest range whose end points,
   * computed as {@code lo * interval} and {@code hi * interval} in floating point, enclose {@code
   * [lowLoss, highLoss]}. Covering the top matters: a point mass at {@code highLoss} (the atom of a
   * Laplace or randomized-response pair) above the top grid point would be sent to {@code +inf}.
   *
   * @throws IllegalStateException when the range is not finite or exceeds {@code maxPoints}
   */
  static long[] gridRange(double lowLoss, double highLoss, double interval, long maxPoints) {
    double loD = Math.floor(lowLoss / interval);
    double hiD = Math.ceil(highLoss / interval);
    if (!(hiD - loD < maxPoints) || !(Math.abs(loD) < 0x1p62) || !(Math.abs(hiD) < 0x1p62)) {
      throw new IllegalStateException(
          "PLD grid for losses ["
              + lowLoss
              + ", "
              + highLoss
              + "] at interval "
              + interval
              + " exceeds "
              + maxPoints
              + " points");
    }
    long lo = (long) loD;
    long hi = Math.max((long) hiD, lo);
    while (lo * interval > lowLoss) {
      lo--;
    }
    while (hi * interval < highLoss) {
      hi++;
    }
    if (hi - lo + 1 > maxPoints) {
      throw new IllegalStateException(
          "PLD grid of " + (hi - lo + 1) + " points exceeds " + maxPoints);
    }
    return new long[] {lo, hi};
  }

  /**
   * The connect-the-dots PLD of {@code pair} with spacing {@code interval}.
   *
   * @throws IllegalStateException when the grid would exceed {@link #MAX_POINTS}
   */
  static DiscretePld discretize(LossPair pair, double interval) {
    long[] range = gridRange(pair.lowLoss(), pair.highLoss(), interval, MAX_POINTS);
    long lo = range[0];
    long hi = range[1];
    // The hint highLoss() may itself be rounded below the true largest loss (e.g. g(l) of a
    // subsampled pair whose inner losses are of order 1e-308): add grid points while more than
    // the hinted tail mass of finite loss lies above the top, so that this mass is not sent to
    // +infinity. (1e-15 covers the rounding of the two tails; the mass of loss +infinity itself,
    // 1 - P(L < +inf), is not a reason to extend.)
    double[] top = new double[2];
    pair.lowerTails(Double.POSITIVE_INFINITY, top);
    double infiniteLoss = 1.0 - top[0];
    for (int extra = 0; extra < MAX_EXTRA_TOP_POINTS && hi - lo + 1 < MAX_POINTS; extra++) {
      pair.upperTails(hi * interval, top);
      if (!(top[0] - infiniteLoss > TAIL_MASS + 1e-15)) {
        break;
      }
      hi++;
    }
    long count = hi - lo + 1;
    int n = (int) count;
    double[] tailP = new double[n];
    double[] tailQ = new double[n];
    double[] out = new double[2];
    for (int j = 0; j < n; j++) {
      pair.upperTails((lo + j) * interval, out);
      tailP[j] = out[0];
      tailQ[j] = out[1];
    }
    double[] pmf = new double[n];
    // Everything at or below the lowest grid point is rounded up to it.
    pmf[0] = Math.max(0.0, 1.0 - tailP[0]);
    double denominator = -Math.expm1(-interval);
    for (int j = 0; j + 1 < n; j++) {
      double a = tailP[j] - tailP[j + 1];
      if (!(a > 0)) {
        continue;
      }
      double b = Math.max(0.0, tailQ[j] - tailQ[j + 1]);
      double up;
      if (b > 0) {
        double ratio = Math.exp((lo + j) * interval + Math.log(b / a));
        up = (1.0 - ratio) / denominator;
        up = Math.min(1.0, Math.max(0.0, up));
      } else {
        up = 1.0;
      }
      pmf[j + 1] += a * up;
      pmf[j] += a * (1.0 - up);
    }
    return new DiscretePld(interval, lo, pmf, Math.max(0.0, tailP[n - 1]));
  }
}

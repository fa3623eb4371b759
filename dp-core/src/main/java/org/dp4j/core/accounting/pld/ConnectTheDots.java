package org.dp4j.core.accounting.pld;

/**
 * Discretises a {@link LossPair} onto the grid {@code {i * h}} by the connect-the-dots method of
 * Doroshenko, Ghazi, Kamath, Kumar &amp; Manurangsi 2022 ("Connect the Dots: Tighter Discrete
 * Approximations of Privacy Loss Distributions", PETS 2022, Sec. 3 and Thm. 3.2).
 *
 * <p>For each interval {@code (l_j, l_j + h]} with P-mass {@code a} and Q-mass {@code b} (so that
 * the interval's mean likelihood ratio {@code a/b} lies in {@code [e^{l_j}, e^{l_j + h}]}), the mass
 * is split between the two end points so that both the P-mass and the Q-mass are preserved: the
 * fraction {@code f = (1 - e^{l_j} b / a) / (1 - e^{-h})} of {@code a} goes to {@code l_j + h}, the
 * rest to {@code l_j}. The resulting pair has the same hockey-stick divergence as the true pair at
 * every grid point and a larger one in between (the curve {@code delta(e^eps)} is convex and the
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

  private ConnectTheDots() {}

  /** The number of grid points {@link #discretize(LossPair, double)} would use. */
  static long gridPoints(LossPair pair, double interval) {
    long lo = (long) Math.floor(pair.lowLoss() / interval);
    long hi = highest(pair, interval);
    return hi - lo + 1;
  }

  /**
   * The index of the highest grid point: {@code ceil(highLoss / interval)}, raised while {@code hi
   * * interval} rounds below {@code highLoss} (the quotient can round down onto an integer whose
   * product falls short, and the mass above the top point would then go to +infinity).
   */
  private static long highest(LossPair pair, double interval) {
    long hi = (long) Math.ceil(pair.highLoss() / interval);
    while (hi * interval < pair.highLoss()) {
      hi++;
    }
    return hi;
  }

  /**
   * The connect-the-dots PLD of {@code pair} with spacing {@code interval}.
   *
   * @throws IllegalStateException when the grid would exceed {@link #MAX_POINTS}
   */
  static DiscretePld discretize(LossPair pair, double interval) {
    long lo = (long) Math.floor(pair.lowLoss() / interval);
    long hi = highest(pair, interval);
    if (hi < lo) {
      hi = lo;
    }
    long count = hi - lo + 1;
    if (count > MAX_POINTS) {
      throw new IllegalStateException(
          "PLD grid of " + count + " points exceeds " + MAX_POINTS + " at interval " + interval);
    }
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

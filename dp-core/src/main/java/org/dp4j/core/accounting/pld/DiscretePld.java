package org.dp4j.core.accounting.pld;

/**
 * A privacy loss distribution on the grid {@code {i * interval}}: {@code pmf[j]} is the
 * probability, under the first distribution of the pair, of loss {@code (offset + j) * interval},
 * and {@code infinityMass} the probability of loss {@code +infinity}. Mass of loss {@code
 * -infinity} is not stored (it never contributes to delta).
 *
 * <p>Every instance the package builds is <em>pessimistic</em>: its hockey-stick curve {@link
 * #delta(double)} is at least that of the true loss distribution at every epsilon, and this is kept
 * by composition. The rounding error of FFT composition is carried as {@code fftError}, a bound on
 * the sum of the absolute errors of the stored masses; {@link #delta(double)} adds it whenever some
 * grid point lies above epsilon (so a pure guarantee, read above the largest loss, is unaffected).
 * Instances are immutable (the array is never exposed). Not public API.
 */
final class DiscretePld {

  /** The unit roundoff of double precision, {@code 2^-53}. */
  static final double UNIT_ROUNDOFF = 0x1.0p-53;

  private final double interval;
  private final long offset;
  private final double[] pmf;
  private final double infinityMass;
  private final double fftError;

  /**
   * @param interval grid spacing, positive
   * @param offset grid index of {@code pmf[0]}
   * @param pmf masses, non-negative; owned by the new instance
   * @param infinityMass mass at {@code +infinity}, in {@code [0, 1]}
   * @param fftError bound on the summed absolute FFT rounding error of the masses, {@code >= 0}
   */
  DiscretePld(double interval, long offset, double[] pmf, double infinityMass, double fftError) {
    this.interval = interval;
    this.offset = offset;
    this.pmf = pmf;
    this.infinityMass = Math.min(1.0, infinityMass);
    this.fftError = fftError;
  }

  /** A distribution computed without FFT. */
  DiscretePld(double interval, long offset, double[] pmf, double infinityMass) {
    this(interval, offset, pmf, infinityMass, 0.0);
  }

  /** The bound on the summed absolute FFT rounding error of the stored masses. */
  double fftError() {
    return fftError;
  }

  /** {@code sqrt(sum p_j^2)}. */
  double norm2() {
    double s = 0.0;
    for (double p : pmf) {
      s += p * p;
    }
    return Math.sqrt(s);
  }

  /** A distribution with all its mass at {@code +infinity} (no privacy). */
  static DiscretePld infinite(double interval) {
    return new DiscretePld(interval, 0, new double[] {0.0}, 1.0);
  }

  /** The distribution of a release that leaks nothing: all mass at loss 0. */
  static DiscretePld identity(double interval) {
    return new DiscretePld(interval, 0, new double[] {1.0}, 0.0);
  }

  double interval() {
    return interval;
  }

  long offset() {
    return offset;
  }

  int size() {
    return pmf.length;
  }

  double mass(int j) {
    return pmf[j];
  }

  /** Direct access for the package's numerical kernels; callers must not modify it. */
  double[] pmfView() {
    return pmf;
  }

  double infinityMass() {
    return infinityMass;
  }

  double loss(int j) {
    return (offset + j) * interval;
  }

  /**
   * {@code delta(eps) = infinityMass + sum_{l > eps} p(l) (1 - e^{eps - l})}, the hockey-stick
   * divergence of the pair at {@code e^eps} (Sommer, Meiser &amp; Mohammadi 2019, Thm. 1; Koskela,
   * Jalko &amp; Honkela 2020, Eq. 2.4), clamped to {@code [0, 1]}.
   */
  double delta(double epsilon) {
    double sum = 0.0;
    boolean anyAbove = false;
    for (int j = pmf.length - 1; j >= 0; j--) {
      double l = loss(j);
      if (!(l > epsilon)) {
        break;
      }
      anyAbove = true;
      if (pmf[j] > 0) {
        sum += pmf[j] * -Math.expm1(epsilon - l);
      }
    }
    double rounding = anyAbove ? fftError : 0.0;
    return Math.min(1.0, Math.max(0.0, infinityMass + rounding + sum));
  }

  /**
   * The smallest {@code eps >= 0} with {@link #delta(double)} {@code <= delta}, exact on this
   * distribution (the curve is solved in closed form between grid points); {@code +inf} when {@code
   * infinityMass > delta}.
   */
  double epsilon(double delta) {
    if (infinityMass > delta) {
      return Double.POSITIVE_INFINITY;
    }
    double decay = Math.exp(-interval);
    double tailP = 0.0; // sum of p_i over grid points above the current one
    double tailWeighted = 0.0; // sum of p_i e^{l_cur - l_i} over the same points
    for (int j = pmf.length - 1; j >= 1; j--) {
      tailWeighted = decay * (tailWeighted + pmf[j]);
      tailP += pmf[j];
      double lower = loss(j - 1);
      // On [lower, loss(j)) grid point j lies above epsilon: the FFT error bound applies.
      double constant = infinityMass + fftError + tailP;
      double deltaAtLower = constant - tailWeighted;
      if (deltaAtLower > delta) {
        // delta(eps) = constant - e^{eps - lower} tailWeighted on [lower, loss(j)); at loss(j)
        // it is at most delta (checked one step earlier, or infinityMass <= delta at the top).
        double eps = lower + Math.log((constant - delta) / tailWeighted);
        eps = Math.min(Math.max(eps, lower), loss(j));
        return Math.max(0.0, eps);
      }
      if (lower <= 0) {
        return 0.0;
      }
    }
    // Every grid point satisfies the bound: solve below the lowest point.
    tailWeighted = tailWeighted + pmf[0];
    tailP += pmf[0];
    double excess = infinityMass + fftError + tailP - delta;
    if (!(excess > 0) || !(tailWeighted > 0)) {
      return 0.0;
    }
    return Math.max(0.0, loss(0) + Math.log(excess / tailWeighted));
  }

  /** The standard deviation of the finite part's loss (normalised to its mass). */
  double standardDeviation() {
    double mass = 0.0;
    double mean = 0.0;
    for (int j = 0; j < pmf.length; j++) {
      mass += pmf[j];
      mean += pmf[j] * j;
    }
    if (!(mass > 0)) {
      return 0.0;
    }
    mean /= mass;
    double var = 0.0;
    for (int j = 0; j < pmf.length; j++) {
      var += pmf[j] * (j - mean) * (j - mean);
    }
    return Math.sqrt(var / mass) * interval;
  }

  /** Total finite mass (for tests and diagnostics). */
  double finiteMass() {
    double s = 0.0;
    for (double p : pmf) {
      s += p;
    }
    return s;
  }

  /**
   * This distribution moved onto the grid of spacing {@code target} by connect-the-dots (Doroshenko
   * et al. 2022, Sec. 3, applied to a discrete pair): a mass {@code p} at loss {@code l} with
   * {@code x_k <= l <= x_{k+1}} is split into {@code p f} at {@code x_{k+1}} and {@code p (1 - f)}
   * at {@code x_k}, {@code f = (1 - e^{x_k - l}) / (1 - e^{-target})}, which keeps both the P-mass
   * and the Q-mass {@code p e^{-l}}. Each mass's hockey-stick term {@code (p - gamma p e^{-l})_+}
   * is convex in {@code gamma}, and the split interpolates it linearly between {@code e^{x_k}} and
   * {@code e^{x_{k+1}}}, so the result dominates this pair at every {@code gamma} (hence under any
   * later composition, Zhu, Dong &amp; Wang 2022, Lemma 2). The map is linear with non-negative
   * weights summing to 1 per source entry, so the summed absolute FFT error bound carries over
   * unchanged.
   *
   * @param target the new spacing, positive
   * @param maxPoints the largest result accepted
   * @throws IllegalStateException when the new grid would exceed {@code maxPoints}
   */
  DiscretePld regridded(double target, long maxPoints) {
    if (target == interval) {
      return this;
    }
    double lowLoss = loss(0);
    double highLoss = loss(pmf.length - 1);
    long[] range = ConnectTheDots.gridRange(lowLoss, highLoss, target, maxPoints);
    long lo = range[0];
    long hi = range[1];
    double[] out = new double[(int) (hi - lo + 1)];
    double denominator = -Math.expm1(-target);
    for (int j = 0; j < pmf.length; j++) {
      double p = pmf[j];
      if (!(p > 0)) {
        continue;
      }
      double l = loss(j);
      long k = Math.min(hi, Math.max(lo, (long) Math.floor(l / target)));
      while (k > lo && k * target > l) {
        k--;
      }
      while (k < hi && (k + 1) * target < l) {
        k++;
      }
      int i = (int) (k - lo);
      double x = k * target;
      if (x >= l) {
        // On a grid point (x > l only at the lowest point of the covering range: pessimistic).
        out[i] += p;
        continue;
      }
      double up = Math.min(1.0, Math.max(0.0, -Math.expm1(x - l) / denominator));
      out[i + 1] += p * up;
      out[i] += p * (1.0 - up);
    }
    return new DiscretePld(target, lo, out, infinityMass, fftError);
  }

  /**
   * A shorter copy: lowest entries with cumulative mass at most {@code tailMass} are merged into
   * the lowest kept point (loss rounded up), highest entries with cumulative mass at most {@code
   * tailMass} move to {@code +infinity}. Both moves are pessimistic.
   */
  DiscretePld trimmed(double tailMass) {
    int hi = pmf.length - 1;
    double upper = 0.0;
    while (hi > 0 && upper + pmf[hi] <= tailMass) {
      upper += pmf[hi];
      hi--;
    }
    int lo = 0;
    double lower = 0.0;
    while (lo < hi && lower + pmf[lo] <= tailMass) {
      lower += pmf[lo];
      lo++;
    }
    if (lo == 0 && hi == pmf.length - 1) {
      return this;
    }
    double[] kept = java.util.Arrays.copyOfRange(pmf, lo, hi + 1);
    // The exact masses of the trimmed entries may exceed the stored ones by up to fftError.
    kept[0] += lower + (lo > 0 ? fftError : 0.0);
    double upperError = hi < pmf.length - 1 ? fftError : 0.0;
    return new DiscretePld(
        interval, offset + lo, kept, infinityMass + upper + upperError, fftError);
  }
}

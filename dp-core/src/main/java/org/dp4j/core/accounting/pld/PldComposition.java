package org.dp4j.core.accounting.pld;

/**
 * Composition of {@link DiscretePld}s: the loss of a composition is the sum of independent losses,
 * so its PMF is the convolution of the PMFs (Sommer, Meiser &amp; Mohammadi 2019, Thm. 1), computed
 * with the FFT (Koskela, Jalko &amp; Honkela 2020, Sec. 4). Not public API.
 *
 * <p><b>Self-composition.</b> {@code k}-fold composition raises the discrete Fourier transform to
 * the power {@code k}. The FFT is circular, so the result is kept on a window {@code [D, U]} sized
 * by Chernoff bounds on the discretised PMF itself (as in Google's {@code dp_accounting}): {@code
 * P(S_k >= t) <= exp(k log M(lambda) - lambda t)} and {@code P(S_k <= t) <= exp(k log M(-lambda) +
 * lambda t)}, with {@code M} the moment generating function of one step. Mass that falls outside
 * the window wraps around: wrapped mass from below lands at a higher loss (pessimistic); for the
 * mass above {@code U}, which would land lower, its Chernoff bound is added to the mass at {@code
 * +infinity}. So no mass is lost silently and the result stays pessimistic.
 */
final class PldComposition {

  /** Chernoff tail bound per window side. */
  static final double WINDOW_TAIL = 1e-20;

  /** Mass trimmed from each tail after a composition (pessimistically). */
  static final double TRIM_TAIL = 1e-20;

  /** Largest FFT length used, a memory guard (2 x 32 MiB per transform). */
  static final int MAX_FFT = 1 << 22;

  /**
   * Largest exponent applied in the Fourier domain in one go (see {@link #selfCompose}); below it a
   * single power has a smaller rounding bound than staged powers (measured at 1e5 and 1e6 steps).
   */
  static final long MAX_DIRECT_POWER = 1L << 24;

  /** Below this length product, convolve directly. */
  private static final long DIRECT_CONVOLUTION_WORK = 1L << 16;

  private PldComposition() {}

  /**
   * The {@code count}-fold composition of {@code one} with itself.
   *
   * @throws IllegalStateException when the window would exceed {@link #MAX_FFT}
   */
  static DiscretePld selfCompose(DiscretePld one, long count) {
    return selfCompose(one, count, null);
  }

  /**
   * As {@link #selfCompose(DiscretePld, long)}, reusing the window {@code [D, U]} already computed
   * by {@link #window} for these arguments (null to compute it; ignored for staged counts).
   */
  static DiscretePld selfCompose(DiscretePld one, long count, long[] knownWindow) {
    if (count > MAX_DIRECT_POWER) {
      // Split huge counts as count = a * b + r with a = floor(sqrt(count)) and compose in stages,
      // so that the exponent of each power (and the count-fold amplification of the rounding of
      // its coefficients) stays bounded; each stage is itself a pessimistic PLD.
      long a = (long) Math.floor(Math.sqrt((double) count));
      long b = count / a;
      long r = count - a * b;
      DiscretePld result = selfCompose(selfCompose(one, a), b);
      return r == 0 ? result : convolve(result, selfCompose(one, r));
    }
    return directPower(one, count, knownWindow);
  }

  /** {@code count <= MAX_DIRECT_POWER}: one FFT, a pointwise power, one inverse FFT. */
  private static DiscretePld directPower(DiscretePld one, long count, long[] knownWindow) {
    double infinity = -Math.expm1(count * Math.log1p(-one.infinityMass()));
    if (one.infinityMass() >= 1.0) {
      return DiscretePld.infinite(one.interval());
    }
    if (count == 1) {
      return one;
    }
    int n = one.size();
    if (n == 1) {
      double mass = Math.exp(count * Math.log(one.mass(0)));
      return new DiscretePld(
          one.interval(),
          Math.multiplyExact(one.offset(), count),
          new double[] {mass},
          infinity,
          2.0 * count * one.fftError());
    }
    long[] window = knownWindow != null ? knownWindow : window(one, count);
    long low = window[0];
    long high = window[1];
    long fullHigh = Math.multiplyExact(one.offset() + n - 1, count);
    long needed = Math.max(Math.addExact(Math.subtractExact(high, low), 1), n);
    if (needed > MAX_FFT) {
      throw new IllegalStateException(
          "PLD composition window of " + needed + " points exceeds " + MAX_FFT);
    }
    int size = Integer.highestOneBit((int) Math.max(2, needed));
    if (size < needed) {
      size <<= 1;
    }
    double[][] data = new double[2][size];
    System.arraycopy(one.pmfView(), 0, data[0], 0, n);
    Fft fft = new Fft(size);
    fft.transform(data[0], data[1], false);
    double log2n = Math.max(1, 31 - Integer.numberOfLeadingZeros(size));
    double u = DiscretePld.UNIT_ROUNDOFF;
    // Componentwise error of each computed coefficient: the input's own error (|e_hat| <= ||e||_1)
    // plus the forward FFT's (|error| <= log2(N) eta ||p||_1 per coefficient).
    double coefficientError = one.fftError() + log2n * FFT_ETA * u * one.finiteMass();
    double amplification = power(data, count, coefficientError);
    fft.transform(data[0], data[1], true);
    double[] out = new double[size];
    long base = Math.multiplyExact(one.offset(), count);
    int shift = (int) Math.floorMod(Math.subtractExact(base, low), (long) size);
    // Entries outside the exact support [count * offset, fullHigh] are rounding noise: drop them
    // (they could otherwise masquerade as mass at the largest losses, e.g. for delta = 0).
    long span = Math.subtractExact(fullHigh, base);
    for (int j = 0; j < size; j++) {
      double v = data[0][j];
      if (v > 0 && (span >= size || j <= span)) {
        out[(j + shift) & (size - 1)] = v;
      }
    }
    // The window is extended up to the FFT length; mass above it was bounded by Chernoff.
    long windowTop = low + size - 1;
    if (windowTop < fullHigh) {
      infinity += WINDOW_TAIL;
    } else {
      // No aliasing: keep exactly the support [low, fullHigh] (the rest is known to be 0).
      out = java.util.Arrays.copyOf(out, (int) (fullHigh - low + 1));
    }
    DiscretePld result = new DiscretePld(one.interval(), low, out, infinity, 0.0);
    // 1-norm of the time-domain error <= Euclidean norm of the spectrum's error (Parseval with
    // the 1/N inverse): first-order propagation of the coefficient errors through z^k (doubled
    // for higher orders), plus the power's own products and the inverse transform.
    double log2k = 64 - Long.numberOfLeadingZeros(count);
    double error =
        2.0 * count * coefficientError * amplification
            + Math.sqrt(size) * (log2n * FFT_ETA * u + 4 * log2k * u) * result.norm2();
    return new DiscretePld(one.interval(), low, out, infinity, error).trimmed(TRIM_TAIL);
  }

  /**
   * The constant {@code eta / u} of the FFT error bound {@code ||error||_2 <= log2(N) eta
   * ||x_hat||_2} (Higham 2002, Thm. 24.2): {@code eta = mu + gamma_4 (sqrt 2 + mu)} with twiddle
   * error {@code mu} below {@code 6u} (angle rounding plus 1 ulp of {@code cos}/{@code sin}) gives
   * {@code eta < 12 u}; 16 leaves a margin.
   */
  static final double FFT_ETA = 16.0;

  /**
   * Raises every complex entry to the power {@code count} by binary exponentiation (at most 2
   * log2(count) complex products, no transcendental functions); entries whose modulus would
   * underflow are set to 0.
   *
   * @param coefficientError a bound on the absolute error of each entry
   * @return {@code sqrt(sum_f min(1, |z_f| + coefficientError)^{2(count - 1)})}, the factor by
   *     which a per-entry error grows (before the factor {@code count}) in Euclidean norm
   */
  private static double power(double[][] data, long count, double coefficientError) {
    double[] re = data[0];
    double[] im = data[1];
    // |z|^count < 1e-320 when |z|^2 < exp(-1474 / count): skip (and zero) those entries.
    double smallest = Math.exp(-1474.0 / count);
    double growth = 0.0;
    for (int i = 0; i < re.length; i++) {
      double x = re[i];
      double y = im[i];
      double r2 = x * x + y * y;
      double bound = Math.min(1.0, Math.sqrt(r2) + coefficientError);
      growth += Math.exp(2.0 * (count - 1) * Math.log(bound));
      if (r2 < smallest) {
        re[i] = 0.0;
        im[i] = 0.0;
        continue;
      }
      double accRe = 1.0;
      double accIm = 0.0;
      long e = count;
      while (true) {
        if ((e & 1) != 0) {
          double t = accRe * x - accIm * y;
          accIm = accRe * y + accIm * x;
          accRe = t;
        }
        e >>>= 1;
        if (e == 0) {
          break;
        }
        double t = x * x - y * y;
        y = 2 * x * y;
        x = t;
      }
      re[i] = accRe;
      im[i] = accIm;
    }
    return Math.sqrt(growth);
  }

  /**
   * The number of grid points of the window that {@link #selfCompose} keeps for {@code count}
   * repetitions of {@code one}, as a double: {@code +inf} when the grid indices overflow. Costs one
   * Chernoff search (no FFT), so callers can size the grid before composing.
   */
  static double windowPoints(DiscretePld one, long count) {
    if (count > MAX_DIRECT_POWER) {
      // The Chernoff search loses its accuracy when count * log M is huge (an absolute error of
      // 1e-16 in log M times the count); the spread of a sum grows like sqrt(count).
      return Math.sqrt((double) count / MAX_DIRECT_POWER) * windowPoints(one, MAX_DIRECT_POWER);
    }
    try {
      return windowPoints(one, window(one, count));
    } catch (ArithmeticException overflow) {
      return Double.POSITIVE_INFINITY;
    }
  }

  /** The number of points of a window {@code [D, U]} of {@link #window}, as a double. */
  static double windowPoints(DiscretePld one, long[] window) {
    return Math.max((double) window[1] - window[0] + 1, one.size());
  }

  /** {@code [D, U]}: grid indices holding all but {@link #WINDOW_TAIL} of each tail. */
  static long[] window(DiscretePld one, long count) {
    int n = one.size();
    long fullLow = Math.multiplyExact(one.offset(), count);
    long fullHigh = Math.multiplyExact(one.offset() + n - 1, count);
    if (count == 1 || n == 1) {
      return new long[] {fullLow, fullHigh};
    }
    double h = one.interval();
    double[] logP = new double[n];
    double[] loss = new double[n];
    for (int j = 0; j < n; j++) {
      double p = one.mass(j);
      logP[j] = p > 0 ? Math.log(p) : Double.NEGATIVE_INFINITY;
      loss[j] = one.loss(j);
    }
    double logTail = Math.log(WINDOW_TAIL);
    // Both bounds are unimodal in log(lambda): their derivative changes sign once, since
    // lambda psi'(lambda) - psi(lambda) is increasing for the convex log-MGF psi.
    double bestHigh = minimiseOverLambda(logP, loss, count, logTail, true);
    double bestLow = -minimiseOverLambda(logP, loss, count, logTail, false);
    long high = fullHigh;
    if (bestHigh / h < fullHigh) {
      high = (long) Math.ceil(bestHigh / h);
    }
    long low = fullLow;
    if (bestLow / h > fullLow) {
      low = (long) Math.floor(bestLow / h);
    }
    if (high < low) {
      high = low;
    }
    return new long[] {low, high};
  }

  /**
   * The best Chernoff edge over {@code lambda = 2^{e/4}}, {@code e} in {@code [-192, 288]}: for the
   * upper tail {@code min (count log M(lambda) - log tail) / lambda}; for the lower tail {@code min
   * (count log M(-lambda) - log tail) / lambda} (the negated lower edge). Both are unimodal in
   * {@code e}, so a ternary search on the integers finds the grid minimum with about 30
   * evaluations; every evaluated value is a valid bound, so a search error only widens the window.
   */
  private static double minimiseOverLambda(
      double[] logP, double[] loss, long count, double logTail, boolean upper) {
    int lo = -192;
    int hi = 288;
    while (hi - lo > 2) {
      int m1 = lo + (hi - lo) / 3;
      int m2 = hi - (hi - lo) / 3;
      if (edge(logP, loss, count, logTail, upper, m1)
          <= edge(logP, loss, count, logTail, upper, m2)) {
        hi = m2;
      } else {
        lo = m1;
      }
    }
    double best = Double.POSITIVE_INFINITY;
    for (int e = lo; e <= hi; e++) {
      best = Math.min(best, edge(logP, loss, count, logTail, upper, e));
    }
    return best;
  }

  private static double edge(
      double[] logP, double[] loss, long count, double logTail, boolean upper, int e) {
    double lambda = Math.pow(2.0, e / 4.0);
    double value = (count * logMgf(logP, loss, upper ? lambda : -lambda) - logTail) / lambda;
    return Double.isNaN(value) ? Double.POSITIVE_INFINITY : value;
  }

  /** {@code log sum_j exp(logP_j + lambda * loss_j)}, stable. */
  private static double logMgf(double[] logP, double[] loss, double lambda) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < logP.length; j++) {
      double v = logP[j] + lambda * loss[j];
      if (v > max) {
        max = v;
      }
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double sum = 0.0;
    for (int j = 0; j < logP.length; j++) {
      sum += Math.exp(logP[j] + lambda * loss[j] - max);
    }
    return max + Math.log(sum);
  }

  /** The composition of two distributions on the same grid. */
  static DiscretePld convolve(DiscretePld a, DiscretePld b) {
    double infinity = 1.0 - (1.0 - a.infinityMass()) * (1.0 - b.infinityMass());
    if (infinity >= 1.0) {
      return DiscretePld.infinite(a.interval());
    }
    int na = a.size();
    int nb = b.size();
    long length = (long) na + nb - 1;
    if (length > MAX_FFT) {
      throw new IllegalStateException(
          "PLD composition of " + length + " points exceeds " + MAX_FFT);
    }
    double[] out = new double[(int) length];
    // Errors of the inputs: ||(a+ea)*(b+eb) - a*b||_1 <= ||ea|| ||b|| + ||eb|| ||a|| + ||ea||
    // ||eb||.
    double error =
        a.fftError() * b.finiteMass() + b.fftError() * a.finiteMass() + a.fftError() * b.fftError();
    if ((long) na * nb <= DIRECT_CONVOLUTION_WORK) {
      double[] pa = a.pmfView();
      double[] pb = b.pmfView();
      for (int i = 0; i < na; i++) {
        double x = pa[i];
        if (x == 0) {
          continue;
        }
        for (int j = 0; j < nb; j++) {
          out[i + j] += x * pb[j];
        }
      }
    } else {
      int size = Integer.highestOneBit((int) length);
      if (size < length) {
        size <<= 1;
      }
      double[][] fa = new double[2][size];
      double[][] fb = new double[2][size];
      System.arraycopy(a.pmfView(), 0, fa[0], 0, na);
      System.arraycopy(b.pmfView(), 0, fb[0], 0, nb);
      Fft fft = new Fft(size);
      fft.transform(fa[0], fa[1], false);
      fft.transform(fb[0], fb[1], false);
      for (int i = 0; i < size; i++) {
        double re = fa[0][i] * fb[0][i] - fa[1][i] * fb[1][i];
        double im = fa[0][i] * fb[1][i] + fa[1][i] * fb[0][i];
        fa[0][i] = re;
        fa[1][i] = im;
      }
      fft.transform(fa[0], fa[1], true);
      for (int i = 0; i < length; i++) {
        out[i] = Math.max(0.0, fa[0][i]);
      }
      // Two forward transforms, a pointwise product and an inverse (Higham 2002, Thm. 24.2),
      // with max |a_hat| <= ||a||_1 <= 1 and ||a * b||_2 <= min(||a||_2, ||b||_2); 1-norm at most
      // sqrt(N) times the Euclidean error.
      double log2n = 31 - Integer.numberOfLeadingZeros(size);
      double u = DiscretePld.UNIT_ROUNDOFF;
      double euclidean = (3 * log2n * FFT_ETA * u + 2 * u) * (a.norm2() + b.norm2());
      error += Math.sqrt(size) * euclidean;
    }
    return new DiscretePld(
            a.interval(), Math.addExact(a.offset(), b.offset()), out, infinity, error)
        .trimmed(TRIM_TAIL);
  }
}

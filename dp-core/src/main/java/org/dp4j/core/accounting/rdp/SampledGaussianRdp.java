package org.dp4j.core.accounting.rdp;

import java.util.Arrays;

/**
 * Renyi DP of one step of the Poisson-subsampled Gaussian mechanism (Mironov, Talwar &amp; Zhang
 * 2019, "Renyi Differential Privacy of the Sampled Gaussian Mechanism", arXiv:1908.10530), under
 * the add/remove-one relation. Package-private: the accountant is the public face.
 *
 * <p>With {@code mu0 = N(0, sigma^2)}, {@code mu1 = N(1, sigma^2)} and sampling rate {@code q}, the
 * RDP of order {@code alpha > 1} is {@code log(A_alpha) / (alpha - 1)} where (MTZ 2019, Sec. 3)
 *
 * <pre>
 * A_alpha = E_{z ~ mu0}[ (1 - q + q L(z))^alpha ],  L(z) = mu1(z) / mu0(z) = exp((2z - 1) / (2 sigma^2)).
 * </pre>
 *
 * <p>Both evaluations below compute {@code A_alpha - 1} directly, as a sum or integral of
 * <em>non-negative</em> terms, and then {@code log1p}. This is what keeps the relative accuracy
 * when the RDP is tiny (small {@code q}, large {@code sigma}): computing {@code A_alpha} first and
 * taking its log loses about {@code 1e-16 / RDP} relative accuracy, which is where the anchors'
 * absolute stopping rules lose digits.
 *
 * <ul>
 *   <li><b>Integer orders</b> (MTZ 2019, Sec. 3.3, binomial expansion): {@code A_alpha = sum_i
 *       C(alpha, i) (1-q)^(alpha-i) q^i exp(i(i-1) / (2 sigma^2))}. Since the binomial weights sum
 *       to 1, {@code A_alpha - 1 = sum_{i>=2} C(alpha, i) (1-q)^(alpha-i) q^i expm1(i(i-1) / (2
 *       sigma^2))}, all terms positive. Summed in log space; log binomial coefficients by the
 *       compensated recurrence {@code log C(a, i+1) = log C(a, i) + log(a-i) - log(i+1)}. A bound
 *       on the floating-point error is carried along and added, so the value is never below the
 *       exact sum (the bound is about {@code 1e-13} relative at order 1024).
 *   <li><b>Fractional orders</b>: with {@code u(z) = q (L(z) - 1)} and {@code E[L - 1] = 0}, {@code
 *       A_alpha - 1 = E[g(u)]} where {@code g(u) = (1+u)^alpha - 1 - alpha u >= 0} (Bernoulli's
 *       inequality, {@code alpha >= 1}). The integral is taken by the trapezoid rule on a uniform
 *       grid; the integrand is analytic in the strip {@code |Im z| < pi sigma^2} (its nearest
 *       singularity is where {@code 1 + u = 0}), so the rule converges geometrically (Trefethen
 *       &amp; Weideman 2014, "The exponentially convergent trapezoidal rule", Thm 5.1). The step is
 *       {@code min(sigma / 4, sigma^2 / 3)} and the range {@code [-10 sigma, max(alpha, 2) + 10
 *       sigma]} (the integrand's modes lie near {@code 2} and {@code alpha} with width {@code
 *       sigma}; the cut tails are below {@code exp(-50)} of them). The difference between this rule
 *       and the one with twice the step (the even nodes) is added as an a-posteriori error margin,
 *       which for a geometrically convergent rule exceeds the actual error by far; it is about
 *       {@code 1e-13} relative here. Observed agreement with 40- and 60-digit references and with
 *       the exact sums at integer orders is about {@code 1e-14} relative before that margin.
 *   <li>When the quadrature would need more than {@link #MAX_QUADRATURE_NODES} nodes (noise
 *       multipliers below about 0.03), a fractional order takes the exact value at the next integer
 *       order instead: Renyi divergence is non-decreasing in the order (van Erven &amp; Harremoes
 *       2014, IEEE Trans. Inf. Theory 60(7), Thm 3), so this is a valid upper bound. Such noise
 *       gives astronomically large epsilon anyway.
 * </ul>
 *
 * <p>{@code q == 1} is the plain Gaussian mechanism, {@code alpha / (2 sigma^2)} (Mironov 2017,
 * Prop. 7). {@code sigma == 0} gives {@code +Infinity} at every order.
 *
 * <p>Every returned value is rounded up by {@link #ROUND_UP_RELATIVE} to cover the quadrature and
 * floating-point error, so the result is an upper bound on the exact RDP (proven for integer
 * orders, up to the observed quadrature accuracy for fractional ones).
 */
final class SampledGaussianRdp {

  /**
   * Relative margin added to every computed per-step RDP. It covers the quadrature's error at
   * fractional orders (about {@code 1e-14} observed, not proven) with three orders of magnitude to
   * spare, and is 100 times below the {@code 1e-9} accuracy that the tests demand against the
   * high-precision references. Integer orders carry their own error bound and get it on top.
   */
  static final double ROUND_UP_RELATIVE = 1e-11;

  /**
   * Node budget of the fractional-order quadrature; beyond it the next integer order's value is
   * used. 40,000 nodes correspond to a noise multiplier of about 0.03 at order 10.9.
   */
  static final int MAX_QUADRATURE_NODES = 40_000;

  /** Number of standard deviations kept on each side of the integrand's modes. */
  private static final double TAIL_SIGMAS = 10.0;

  /** Terms of the series for {@code g(u)} stop once below this fraction of the partial sum. */
  private static final double SERIES_TOLERANCE = 1e-18;

  /** Above this argument {@code exp} is near overflow: switch to log-space forms. */
  private static final double LOG_SPACE_FROM = 700.0;

  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2.0 * Math.PI);

  private SampledGaussianRdp() {}

  /**
   * The per-step RDP at each order, rounded up.
   *
   * @param samplingRate {@code q} in {@code (0, 1]}
   * @param noiseMultiplier {@code sigma >= 0}, finite
   * @param orders orders {@code > 1}, finite
   * @return a new array, one value per order, each in {@code [0, +Infinity]}
   */
  static double[] perStep(double samplingRate, double noiseMultiplier, double[] orders) {
    double[] rdp = new double[orders.length];
    if (noiseMultiplier == 0.0) {
      Arrays.fill(rdp, Double.POSITIVE_INFINITY);
      return rdp;
    }
    if (samplingRate == 1.0) {
      for (int k = 0; k < orders.length; k++) {
        rdp[k] = roundUp(orders[k] / (2.0 * noiseMultiplier * noiseMultiplier));
      }
      return rdp;
    }
    int maxInteger = 0;
    double maxFractional = 0.0;
    for (double alpha : orders) {
      if (isInteger(alpha)) {
        maxInteger = Math.max(maxInteger, (int) alpha);
      } else {
        maxFractional = Math.max(maxFractional, alpha);
      }
    }
    Quadrature quadrature =
        maxFractional > 0.0 ? Quadrature.of(samplingRate, noiseMultiplier, maxFractional) : null;
    BinomialSum binomial = null;
    for (int k = 0; k < orders.length; k++) {
      double alpha = orders[k];
      if (!isInteger(alpha) && quadrature != null) {
        rdp[k] = quadrature.rdp(alpha);
      } else {
        if (binomial == null) {
          int needed = Math.max(maxInteger, (int) Math.ceil(maxFractional));
          binomial = new BinomialSum(samplingRate, noiseMultiplier, needed);
        }
        rdp[k] = binomial.rdp((int) Math.ceil(alpha));
      }
    }
    for (int k = 0; k < rdp.length; k++) {
      rdp[k] = roundUp(rdp[k]);
    }
    return rdp;
  }

  /** Whether the order is an integer (handled by the exact binomial sum). */
  static boolean isInteger(double alpha) {
    return alpha == Math.rint(alpha) && alpha <= Integer.MAX_VALUE - 1;
  }

  /** Exact RDP at one integer order {@code n >= 2}; not rounded up. */
  static double integerOrder(double q, double sigma, int n) {
    return new BinomialSum(q, sigma, n).rdp(n);
  }

  /**
   * RDP at one (fractional) order by quadrature, or the next integer order's value when the node
   * budget is exceeded; not rounded up.
   */
  static double fractionalOrder(double q, double sigma, double alpha) {
    Quadrature quadrature = Quadrature.of(q, sigma, alpha);
    return quadrature != null
        ? quadrature.rdp(alpha)
        : integerOrder(q, sigma, (int) Math.ceil(alpha));
  }

  /**
   * The positive-term binomial sum for integer orders up to a maximum, sharing the tables that do
   * not depend on the order: {@code log i} and {@code log expm1(i(i-1) / (2 sigma^2))}.
   *
   * <p>Alongside each log-term it carries a bound on that term's absolute floating-point error
   * (each correctly rounded operation is off by at most one ulp, Java's {@code log}/{@code exp}
   * family by at most one ulp); the error of the log-sum is at most the weighted mean of those
   * bounds (weights = the terms) plus the summation error, and the result is evaluated at the
   * log-sum plus that bound. The log binomial coefficient is accumulated with Neumaier's
   * compensated summation so its error does not grow with the magnitude of the running sum.
   */
  private static final class BinomialSum {
    private static final double EPS = RoundUp.MACHINE_EPSILON;

    private final double log1mq;
    private final double logQ;
    private final double[] logInteger;
    private final double[] exponent;
    private final double[] logExpm1Exponent;
    private final double[] scratch;
    private final double[] errorBound;

    BinomialSum(double q, double sigma, int maxOrder) {
      this.log1mq = Math.log1p(-q);
      this.logQ = Math.log(q);
      double inv2s2 = 1.0 / (2.0 * sigma * sigma);
      this.logInteger = new double[maxOrder + 1];
      this.exponent = new double[maxOrder + 1];
      this.logExpm1Exponent = new double[maxOrder + 1];
      this.scratch = new double[maxOrder + 1];
      this.errorBound = new double[maxOrder + 1];
      for (int i = 1; i <= maxOrder; i++) {
        logInteger[i] = Math.log(i);
        exponent[i] = (double) i * (i - 1) * inv2s2;
        logExpm1Exponent[i] = logExpm1(exponent[i]);
      }
    }

    /**
     * Exact RDP at integer order {@code n} in {@code [2, maxOrder]}, evaluated at the computed
     * log-sum plus its floating-point error bound (so not below the exact value), not otherwise
     * rounded up.
     */
    double rdp(int n) {
      double binomHigh = logInteger[n]; // log C(n, 1), Neumaier-compensated running sum
      double binomCompensation = 0.0;
      double binomError = EPS * logInteger[n];
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 2; i <= n; i++) {
        double step = logInteger[n - i + 1] - logInteger[i];
        binomError += 3.0 * EPS * (logInteger[n - i + 1] + logInteger[i]);
        double next = binomHigh + step;
        binomCompensation +=
            Math.abs(binomHigh) >= Math.abs(step)
                ? (binomHigh - next) + step
                : (step - next) + binomHigh;
        binomHigh = next;
        double logBinom = binomHigh + binomCompensation;
        double sampled = (n - i) * log1mq;
        double chosen = i * logQ;
        double term = logBinom + sampled + chosen + logExpm1Exponent[i];
        scratch[i] = term;
        double magnitudes =
            Math.abs(logBinom)
                + Math.abs(sampled)
                + Math.abs(chosen)
                + Math.abs(logExpm1Exponent[i]);
        // binomial accumulation + rounding of the two products, the log-expm1 (whose argument
        // carries ~3 ulps, amplified by at most 1 + 1/x) and the three additions
        errorBound[i] = binomError + EPS * (4.0 * magnitudes + 4.0 * (exponent[i] + 1.0));
        if (term > max) {
          max = term;
        }
      }
      if (max == Double.POSITIVE_INFINITY) {
        return Double.POSITIVE_INFINITY;
      }
      if (max == Double.NEGATIVE_INFINITY) {
        return 0.0; // every term underflowed; rounding up keeps the result positive
      }
      double sum = 0.0;
      double weightedError = 0.0;
      for (int i = 2; i <= n; i++) {
        double weight = Math.exp(scratch[i] - max);
        sum += weight;
        weightedError += weight * errorBound[i];
      }
      double logSum = max + Math.log(sum);
      // error of the log-sum: the terms' weighted error, the exp/sum rounding (relative (n+2) eps
      // on the sum, i.e. absolute in the log) and the final additions
      double logSumError = weightedError / sum + (n + 2) * EPS + 2.0 * EPS * Math.abs(logSum);
      return log1pExp(logSum + logSumError) / (n - 1);
    }
  }

  /**
   * The trapezoid rule for {@code A_alpha - 1 = E[g(u)]} on one uniform grid shared by all
   * fractional orders up to a maximum: the nodes, the Gaussian log density and {@code u} are
   * computed once; each order only evaluates {@code g}.
   */
  private static final class Quadrature {
    private final double sigma;
    private final double from;
    private final double step;
    private final double[] logDensity;
    private final double[] u;
    private final double[] log1pU;
    private final double[] scratch;

    private Quadrature(double q, double sigma, double from, double step, int count) {
      this.sigma = sigma;
      this.from = from;
      this.step = step;
      this.logDensity = new double[count];
      this.u = new double[count];
      this.log1pU = new double[count];
      this.scratch = new double[count];
      double logQ = Math.log(q);
      double inv2s2 = 1.0 / (2.0 * sigma * sigma);
      double logNormaliser = -Math.log(sigma) - HALF_LOG_TWO_PI;
      for (int j = 0; j < count; j++) {
        double z = from + j * step;
        logDensity[j] = logNormaliser - z * z * inv2s2;
        double x = (2.0 * z - 1.0) * inv2s2;
        if (x < LOG_SPACE_FROM) {
          u[j] = q * Math.expm1(x);
          log1pU[j] = Math.log1p(u[j]);
        } else {
          double logU = logQ + x; // expm1(x) = exp(x) to double precision here
          u[j] = Math.exp(logU); // may be +Infinity; then only log1pU is used
          log1pU[j] = logU + Math.log1p(Math.exp(-logU));
        }
      }
    }

    /** The grid for orders up to {@code maxOrder}, or null when it exceeds the node budget. */
    static Quadrature of(double q, double sigma, double maxOrder) {
      double step = Math.min(sigma / 4.0, sigma * sigma / 3.0);
      double from = -TAIL_SIGMAS * sigma;
      double to = Math.max(maxOrder, 2.0) + TAIL_SIGMAS * sigma;
      double nodes = Math.ceil((to - from) / step);
      if (!(nodes <= MAX_QUADRATURE_NODES)) {
        return null;
      }
      return new Quadrature(q, sigma, from, step, (int) nodes + 1);
    }

    /** RDP at order {@code alpha} (at most the grid's maximum order), not rounded up. */
    double rdp(double alpha) {
      double to = Math.max(alpha, 2.0) + TAIL_SIGMAS * sigma;
      int count = Math.min(u.length, (int) Math.ceil((to - from) / step) + 1);
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < count; j++) {
        double value = logDensity[j] + logBernoulliGap(u[j], log1pU[j], alpha);
        scratch[j] = value;
        if (value > max) {
          max = value;
        }
      }
      if (max == Double.POSITIVE_INFINITY) {
        return Double.POSITIVE_INFINITY;
      }
      if (max == Double.NEGATIVE_INFINITY) {
        return 0.0; // every node underflowed; rounding up keeps the result positive
      }
      double sum = 0.0;
      double evenSum = 0.0;
      for (int j = 0; j < count; j++) {
        double weight = Math.exp(scratch[j] - max);
        sum += weight;
        if ((j & 1) == 0) {
          evenSum += weight;
        }
      }
      // A posteriori error estimate: the same rule with twice the step uses the even nodes. The
      // rule converges geometrically, so |T(h) - T(2h)| bounds the error of T(h) with a wide
      // margin; adding it keeps the result an upper bound should the step be too coarse.
      double discrepancy = Math.abs(sum - 2.0 * evenSum) / sum;
      return log1pExp(max + Math.log(sum) + Math.log(step) + Math.log1p(discrepancy))
          / (alpha - 1.0);
    }
  }

  /**
   * {@code log g(u)} with {@code g(u) = (1+u)^alpha - 1 - alpha u}, for {@code alpha > 1} and
   * {@code u > -1}; {@code -Infinity} at {@code u == 0}. {@code log1pU} is {@code log(1 + u)},
   * supplied also when {@code u} overflows.
   *
   * <p>For {@code alpha |u| < 1/2} the binomial series {@code sum_{k>=2} C(alpha, k) u^k} is used
   * (its term ratio is below 1/2 in modulus, so it converges fast and without cancellation);
   * otherwise the direct form, whose cancellation is then bounded by a factor of about {@code 4
   * alpha / (alpha - 1)}; and in log space when {@code (1+u)^alpha} would overflow.
   */
  static double logBernoulliGap(double u, double log1pU, double alpha) {
    double alphaU = alpha * u;
    if (Math.abs(alphaU) < 0.5) {
      if (u == 0.0) {
        return Double.NEGATIVE_INFINITY;
      }
      double term = 0.5 * alpha * (alpha - 1.0) * u * u;
      double sum = term;
      for (int k = 2; k < 200; k++) {
        term *= (alpha - k) / (k + 1) * u;
        sum += term;
        if (Math.abs(term) <= SERIES_TOLERANCE * sum) {
          break;
        }
      }
      return Math.log(sum);
    }
    double logPower = alpha * log1pU;
    if (logPower < LOG_SPACE_FROM) {
      return Math.log(Math.expm1(logPower) - alphaU);
    }
    // log g = logPower + log(1 - (1 + alpha u) / (1+u)^alpha); the ratio is below exp(-700
    // (alpha-1)/alpha)
    double logLinear = alphaU < 1e300 ? Math.log1p(alphaU) : Math.log(alpha) + log1pU;
    return logPower + Math.log1p(-Math.exp(Math.min(0.0, logLinear - logPower)));
  }

  /** {@code log(expm1(x))} for {@code x > 0}, accurate for tiny and huge x. */
  static double logExpm1(double x) {
    return x > 30.0 ? x + Math.log1p(-Math.exp(-x)) : Math.log(Math.expm1(x));
  }

  /** {@code log(1 + exp(x))}, accurate for very negative x (relative) and huge x. */
  static double log1pExp(double x) {
    return x > 35.0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  }

  private static double roundUp(double rdp) {
    if (!(rdp < Double.POSITIVE_INFINITY)) {
      return rdp;
    }
    return Math.nextUp(rdp + rdp * ROUND_UP_RELATIVE);
  }
}

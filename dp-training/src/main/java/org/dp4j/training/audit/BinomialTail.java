package org.dp4j.training.audit;

import org.apache.commons.math3.special.Gamma;

/**
 * Exact tails of the binomial distribution Binomial(n, p) with {@code p = e^eps / (1 + e^eps)}, the
 * accuracy of eps-DP randomized response, summed term by term from the log probability mass
 * function (no normal approximation).
 *
 * <p><b>Rounding.</b> Each log mass is {@code log C(n, k) + k log p + (n - k) log(1 - p)} with
 * {@code log C} from three log-gamma values (relative error about {@code 1e-15} each, so an
 * absolute error below {@code 1e-11} in the log for {@code n} up to {@code 10^6}), and {@code log
 * p}, {@code log(1 - p)} computed from eps without cancellation; a sum of {@code n} positive terms
 * adds a relative error of at most {@code n 2^-53}. {@link #RELATIVE_SLACK} covers both, so the
 * tails returned are upper bounds.
 */
final class BinomialTail {

  /** Relative inflation applied to every tail, covering the rounding described above. */
  static final double RELATIVE_SLACK = 1e-9;

  private final int trials;
  private final double logP;
  private final double logOneMinusP;
  private final double logFactorialTrials;

  /**
   * Binomial(trials, e^eps / (1 + e^eps)).
   *
   * @param trials {@code n >= 0}
   * @param epsilon {@code eps >= 0}, finite
   */
  BinomialTail(int trials, double epsilon) {
    this.trials = trials;
    // p = 1 / (1 + e^-eps): log p = -log1p(e^-eps), log(1 - p) = -eps - log1p(e^-eps).
    double log1pExpMinusEps = Math.log1p(Math.exp(-epsilon));
    this.logP = -log1pExpMinusEps;
    this.logOneMinusP = -epsilon - log1pExpMinusEps;
    this.logFactorialTrials = Gamma.logGamma(trials + 1.0);
  }

  /** {@code P[X = k]}, for {@code 0 <= k <= n}. */
  double mass(int k) {
    double logChoose =
        logFactorialTrials - Gamma.logGamma(k + 1.0) - Gamma.logGamma(trials - k + 1.0);
    return Math.exp(logChoose + k * logP + (trials - k) * logOneMinusP);
  }

  /** An upper bound on {@code P[X >= v]}: 1 for {@code v <= 0}, 0 for {@code v > n}. */
  double atLeast(int v) {
    if (v <= 0) {
      return 1.0;
    }
    double sum = 0;
    for (int k = v; k <= trials; k++) {
      sum += mass(k);
    }
    return Math.min(1.0, sum * (1 + RELATIVE_SLACK));
  }

  /**
   * An upper bound on {@code max over 1 <= i <= v of P[v - i <= X < v] / i}, the factor of delta in
   * the one-run bound; 0 for {@code v <= 0}.
   */
  double largestWindowAverage(int v) {
    double best = 0;
    double window = 0;
    for (int i = 1; i <= v; i++) {
      int k = v - i;
      if (k <= trials) {
        window += mass(k);
      }
      best = Math.max(best, window / i);
    }
    return Math.min(1.0, best * (1 + RELATIVE_SLACK));
  }
}

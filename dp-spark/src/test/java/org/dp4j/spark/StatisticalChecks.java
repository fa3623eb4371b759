package org.dp4j.spark;

import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * Bounds for the statistical tests of this module, each with its false-failure rate. The reference
 * distributions come from Commons Math, an implementation independent of dp4j's.
 */
public final class StatisticalChecks {

  /** The two-sided normal quantile used for proportions: 5.3, false failure about 1.2e-7. */
  public static final double Z = 5.3;

  private StatisticalChecks() {}

  /** {@code Z sqrt(p (1 - p) / n)}: a proportion's tolerance, false failure about 1.2e-7. */
  public static double binomialTolerance(double p, int n) {
    return Z * Math.sqrt(p * (1 - p) / n);
  }

  /**
   * The Clopper-Pearson bounds of a binomial proportion at one-sided level {@code alpha} each: the
   * true proportion lies outside [lower, upper] with probability at most {@code 2 alpha}.
   *
   * @return {lower, upper}
   */
  public static double[] clopperPearson(long successes, long trials, double alpha) {
    double lower =
        successes == 0
            ? 0.0
            : new BetaDistribution(successes, trials - successes + 1)
                .inverseCumulativeProbability(alpha);
    double upper =
        successes == trials
            ? 1.0
            : new BetaDistribution(successes + 1, trials - successes)
                .inverseCumulativeProbability(1 - alpha);
    return new double[] {lower, upper};
  }

  /**
   * Whether a sample variance {@code s2} of {@code n} normal draws is consistent with {@code
   * sigma^2}: {@code (n - 1) s2 / sigma^2} within the chi-square quantiles at {@code alpha} and
   * {@code 1 - alpha} (two-sided false failure {@code 2 alpha}).
   */
  public static boolean varianceConsistent(double s2, int n, double sigma, double alpha) {
    ChiSquaredDistribution chi = new ChiSquaredDistribution(n - 1);
    double statistic = (n - 1) * s2 / (sigma * sigma);
    return statistic >= chi.inverseCumulativeProbability(alpha)
        && statistic <= chi.inverseCumulativeProbability(1 - alpha);
  }
}

package org.dp4j.mechanisms.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongToDoubleFunction;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.RealDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * Goodness-of-fit checks for the sampler tests, each with an explicit false-failure rate. The
 * reference distributions come from Commons Math (an independent implementation) or from
 * closed-form CDFs written in the tests.
 */
public final class GoodnessOfFit {

  /** The false-failure rate used by every statistical test in this module unless stated: 1e-6. */
  public static final double FALSE_FAILURE_RATE = 1e-6;

  /** Minimum expected count per chi-square bin (Cochran's rule of thumb is 5; we use 20). */
  private static final double MIN_EXPECTED = 20.0;

  private GoodnessOfFit() {}

  /** The result of a chi-square test: statistic, degrees of freedom, critical value. */
  public record ChiSquare(double statistic, int degreesOfFreedom, double critical) {
    /** Whether the statistic is below the critical value (the fit is accepted). */
    public boolean accepted() {
      return statistic <= critical;
    }
  }

  /**
   * Pearson's chi-square test of integer samples against a distribution given by its CDF {@code P[X
   * <= k]}. Bins are consecutive integer ranges, merged until each expects at least 20 samples; the
   * two outer bins take the tails. The critical value is the {@code 1 - falseFailureRate} quantile
   * of chi-square with (bins - 1) degrees of freedom, so the test wrongly rejects the true
   * distribution with probability {@code falseFailureRate} (asymptotically).
   */
  public static ChiSquare chiSquare(
      long[] samples, LongToDoubleFunction cdf, double falseFailureRate) {
    long[] sorted = samples.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    long lo = sorted[0];
    long hi = sorted[n - 1];
    // Bin edges: upper bounds u_0 < u_1 < ... ; bin j = (u_{j-1}, u_j], first bin (-inf, u_0], last
    // (u_last, inf).
    List<Long> uppers = new ArrayList<>();
    List<Double> probabilities = new ArrayList<>();
    double previousCdf = 0.0;
    long span = Math.max(1, (hi - lo) / 2000);
    for (long k = lo; k < hi; k += span) {
      double c = cdf.applyAsDouble(k);
      if ((c - previousCdf) * n >= MIN_EXPECTED && (1.0 - c) * n >= MIN_EXPECTED) {
        uppers.add(k);
        probabilities.add(c - previousCdf);
        previousCdf = c;
      }
    }
    probabilities.add(1.0 - previousCdf);
    int bins = probabilities.size();
    long[] observed = new long[bins];
    int bin = 0;
    for (long x : sorted) {
      while (bin < uppers.size() && x > uppers.get(bin)) {
        bin++;
      }
      observed[bin]++;
    }
    double statistic = 0.0;
    for (int j = 0; j < bins; j++) {
      double expected = probabilities.get(j) * n;
      double diff = observed[j] - expected;
      statistic += diff * diff / expected;
    }
    int df = Math.max(1, bins - 1);
    double critical =
        new ChiSquaredDistribution(df).inverseCumulativeProbability(1.0 - falseFailureRate);
    return new ChiSquare(statistic, df, critical);
  }

  /**
   * The Kolmogorov-Smirnov p-value of real samples against a reference distribution (Commons Math).
   * A test that accepts when {@code p > falseFailureRate} falsely fails with that probability.
   */
  public static double kolmogorovSmirnovPValue(double[] samples, RealDistribution reference) {
    return new KolmogorovSmirnovTest().kolmogorovSmirnovTest(reference, samples, false);
  }

  /**
   * Upper tolerance for a binomial proportion: {@code z * sqrt(p (1 - p) / n)} with z = 5.3, the
   * two-sided normal quantile for a false-failure rate of about 1.2e-7.
   */
  public static double binomialTolerance(double p, int n) {
    return 5.3 * Math.sqrt(p * (1 - p) / n);
  }
}

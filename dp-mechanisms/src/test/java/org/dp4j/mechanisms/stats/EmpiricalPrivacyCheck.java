package org.dp4j.mechanisms.stats;

import java.util.function.DoubleSupplier;

/**
 * An empirical differential-privacy check in the style of Google's statistical DP tester: run a
 * mechanism many times on two neighbouring inputs, histogram the outputs, and verify for every
 * bucket B, in both directions, that {@code P1(B) <= e^ε P2(B) + δ} up to sampling error.
 *
 * <p>Tolerance per comparison: {@code z * (sd1 + e^ε sd2)} with {@code sd = sqrt(p̂ (1 - p̂) / n)},
 * z = 5.5 (one-sided normal tail 1.9e-8). Only buckets where both counts are at least 50 are
 * compared (so the normal approximation holds); with at most 200 comparisons the whole check
 * falsely fails with probability below 200 * 1.9e-8 ≈ 4e-6 (Bonferroni).
 */
public final class EmpiricalPrivacyCheck {

  private static final double Z = 5.5;
  private static final int MIN_COUNT = 50;

  private EmpiricalPrivacyCheck() {}

  /** The worst bucket: its excess over the allowed bound and its description. */
  public record Result(double worstExcess, String worstBucket, int bucketsCompared) {
    /** Whether no bucket exceeded its bound beyond the tolerance. */
    public boolean passed() {
      return worstExcess <= 0;
    }
  }

  /**
   * Runs the check.
   *
   * @param first draws one output of M(x)
   * @param second draws one output of M(x')
   * @param samples draws per input
   * @param lower left edge of the histogram (outputs below go to the first bucket)
   * @param upper right edge (outputs above go to the last bucket)
   * @param buckets number of buckets, at most 100
   */
  public static Result check(
      DoubleSupplier first,
      DoubleSupplier second,
      int samples,
      double lower,
      double upper,
      int buckets,
      double epsilon,
      double delta) {
    long[] c1 = histogram(first, samples, lower, upper, buckets);
    long[] c2 = histogram(second, samples, lower, upper, buckets);
    double worst = Double.NEGATIVE_INFINITY;
    String where = "none";
    int compared = 0;
    double eEps = Math.exp(epsilon);
    for (int b = 0; b < buckets; b++) {
      if (c1[b] < MIN_COUNT || c2[b] < MIN_COUNT) {
        continue;
      }
      double p1 = (double) c1[b] / samples;
      double p2 = (double) c2[b] / samples;
      double sd1 = Math.sqrt(p1 * (1 - p1) / samples);
      double sd2 = Math.sqrt(p2 * (1 - p2) / samples);
      double excess12 = p1 - eEps * p2 - delta - Z * (sd1 + eEps * sd2);
      double excess21 = p2 - eEps * p1 - delta - Z * (sd2 + eEps * sd1);
      compared += 2;
      double excess = Math.max(excess12, excess21);
      if (excess > worst) {
        worst = excess;
        where =
            "bucket "
                + b
                + " ["
                + (lower + b * (upper - lower) / buckets)
                + ", ...): p1="
                + p1
                + " p2="
                + p2;
      }
    }
    return new Result(worst, where, compared);
  }

  private static long[] histogram(
      DoubleSupplier mechanism, int samples, double lower, double upper, int buckets) {
    long[] counts = new long[buckets];
    double width = (upper - lower) / buckets;
    for (int i = 0; i < samples; i++) {
      double y = mechanism.getAsDouble();
      int b = (int) Math.floor((y - lower) / width);
      counts[Math.max(0, Math.min(buckets - 1, b))]++;
    }
    return counts;
  }
}

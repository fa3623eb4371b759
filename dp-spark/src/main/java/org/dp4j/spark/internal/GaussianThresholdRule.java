package org.dp4j.spark.internal;

import java.io.Serializable;
import org.apache.commons.math3.special.Erf;
import org.dp4j.core.internal.Checks;
import org.dp4j.core.internal.LogMath;

/**
 * Gaussian thresholding for partition selection: a group is released when its noisy count of
 * privacy units, {@code n + N(0, sigma^2)}, exceeds a threshold {@code tau} (Google's
 * differential-privacy library, "Gaussian thresholding"; Wilkins, Kifer, Zhang &amp; Karrer, "Exact
 * privacy analysis of the Gaussian sparse histogram mechanism", 2024, Sec. 3).
 *
 * <p><b>Privacy.</b> Adding or removing one unit changes the unit counts of the groups that exist
 * either way by at most 1 in each of at most K groups: those noisy counts are the Gaussian
 * mechanism with L2 sensitivity sqrt(K), and the threshold is post-processing. A group that exists
 * only because of the unit has {@code n = 1}; it is released with probability {@code p = P[1 + N(0,
 * sigma^2) > tau]}, and nothing else can distinguish the neighbours through it. So the rule is the
 * Gaussian event composed with K events {@code (0, p)} (one per possible new group). {@link
 * #of(double, double, int, double)} chooses {@code tau = 1 + sigma * Phi^-1(1 - p)} with a margin:
 * p is reduced by a relative 2^-20, the threshold checked with the accurate normal tail of dp-core
 * and moved up by two grid steps of the noise, so the discrete Gaussian noise (whose tails match
 * the continuous one within one grid step at 2^36 steps per sigma) never crosses it more often than
 * p.
 *
 * @param sigma the standard deviation of the noise on the unit counts, in units
 * @param threshold tau: a group is released when its noisy unit count is strictly greater
 */
public record GaussianThresholdRule(double sigma, double threshold) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Validates the parameters. */
  public GaussianThresholdRule {
    Checks.positiveFinite("sigma", sigma);
    Checks.finite("threshold", threshold);
  }

  /**
   * The rule whose new groups are each released with probability at most {@code
   * newGroupProbability}.
   *
   * @param sigma the noise standard deviation actually used (units), positive and finite
   * @param granularity the noise's grid step (units), positive and finite
   * @param maxGroupsPerUnit K, at least 1 (only documents the event; the threshold is per group)
   * @param newGroupProbability p, in {@code (0, 1)}
   * @return the rule
   */
  public static GaussianThresholdRule of(
      double sigma, double granularity, int maxGroupsPerUnit, double newGroupProbability) {
    Checks.positiveFinite("sigma", sigma);
    Checks.positiveFinite("granularity", granularity);
    Checks.positive("maxGroupsPerUnit", maxGroupsPerUnit);
    Checks.require(
        newGroupProbability > 0 && newGroupProbability < 1,
        "newGroupProbability",
        "in (0, 1)",
        newGroupProbability);
    double target = newGroupProbability * (1 - 0x1.0p-20);
    double z = Math.sqrt(2.0) * Erf.erfcInv(2.0 * target);
    if (!(z > 0) || Double.isInfinite(z)) {
      z = 1.0;
    }
    // Check with the accurate tail and move z up until P[N(0,1) > z] <= target.
    while (LogMath.normalCdf(-z) > target) {
      z = Math.nextUp(z * (1 + 0x1.0p-30));
    }
    double tau = 1.0 + sigma * z * (1 + 0x1.0p-40) + 2 * granularity;
    return new GaussianThresholdRule(sigma, Math.nextUp(tau));
  }

  /**
   * The probability that a group with {@code units} privacy units is released: {@code P[units +
   * N(0, sigma^2) > tau] = Phi((units - tau) / sigma)} (continuous noise; the discrete noise
   * differs by less than one grid step).
   *
   * @param units the group's unit count, {@code >= 0}
   * @return the probability
   */
  public double releaseProbability(long units) {
    Checks.nonNegative("units", units);
    return LogMath.normalCdf((units - threshold) / sigma);
  }

  /** Whether a noisy unit count passes the threshold (strictly greater). */
  public boolean passes(double noisyUnits) {
    return noisyUnits > threshold;
  }
}

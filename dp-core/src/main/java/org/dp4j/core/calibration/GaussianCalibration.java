package org.dp4j.core.calibration;

import java.util.function.DoublePredicate;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.core.internal.LogMath;

/**
 * Exact privacy of one Gaussian mechanism, and the noise it needs.
 *
 * <p>For a query of L2 sensitivity {@code Δ} released with noise {@code N(0, σ²)}, write {@code s =
 * σ/Δ} (the noise multiplier). The mechanism is (ε, δ)-DP exactly when
 *
 * <pre>δ ≥ Φ(1/(2s) − εs) − e^ε · Φ(−1/(2s) − εs)</pre>
 *
 * (Balle &amp; Wang 2018, "Improving the Gaussian mechanism for differential privacy: analytical
 * calibration and optimal denoising", Theorem 8). The right-hand side is evaluated in log space
 * ({@link LogMath#logNormalCdf(double)}), so it stays accurate for δ down to 1e-300. Every search
 * here brackets its root and returns the end of the bracket on the private side: a returned σ is
 * never too small and a returned ε or δ never too small, up to the last bit of a double.
 *
 * <p>All methods are pure functions, safe from any thread.
 */
public final class GaussianCalibration {

  /** Bisection steps: enough to shrink any bracket of doubles to adjacent values. */
  private static final int MAX_BISECTIONS = 2100;

  /**
   * Bound on the absolute error of {@code e^ε Φ(b)/Φ(a)} as computed: each log-CDF carries about
   * 1e-15 absolute error (Commons Math erfc, relative error ~1e-15), so 4e-15 covers both with
   * margin. It is added to {@code 1 − ratio}, which makes every δ here an upper bound.
   */
  private static final double RATIO_ABSOLUTE_ERROR = 4e-15;

  /** Relative inflation covering the error of {@code log Φ(a)} and of the final exp. */
  private static final double LOG_RELATIVE_SLACK = 1e-14;

  private GaussianCalibration() {}

  /**
   * The smallest standard deviation σ for which adding {@code N(0, σ²)} to a query of the given L2
   * sensitivity is (ε, δ)-DP (Balle &amp; Wang 2018, Theorem 8 and Algorithm 1; exact, for every
   * ε).
   *
   * @param budget the target; its delta must be positive (no Gaussian mechanism is pure DP); its
   *     epsilon may be 0
   * @param l2Sensitivity the query's L2 sensitivity, positive and finite, and small enough that σ
   *     is finite (at most {@link Double#MAX_VALUE} divided by the noise multiplier)
   * @return σ, in the units of the query, positive and finite
   * @throws IllegalArgumentException naming the parameter, the rule and the value, for a bad budget
   *     or sensitivity, or when σ would overflow
   */
  public static double analyticSigma(PrivacyBudget budget, double l2Sensitivity) {
    withPositiveDelta(budget);
    Checks.positiveFinite("l2Sensitivity", l2Sensitivity);
    double multiplier = multiplier(budget.epsilon(), budget.delta());
    double sigma = multiplier * l2Sensitivity;
    Checks.require(
        sigma < Double.POSITIVE_INFINITY,
        "l2Sensitivity",
        "at most "
            + maxSensitivity(multiplier)
            + " for this budget (sigma = "
            + multiplier
            + " * l2Sensitivity must be finite)",
        l2Sensitivity);
    return sigma;
  }

  /**
   * The largest sensitivity whose σ = {@code multiplier * sensitivity} is finite: {@code MAX_VALUE
   * / multiplier}, stepped down until the product does not overflow.
   */
  private static double maxSensitivity(double multiplier) {
    double max = Double.MAX_VALUE / multiplier;
    while (max * multiplier == Double.POSITIVE_INFINITY) {
      max = Math.nextDown(max);
    }
    return max;
  }

  /**
   * The smallest noise multiplier {@code s = σ/Δ} for which the Gaussian mechanism is (ε, δ)-DP
   * (Balle &amp; Wang 2018, Theorem 8; the upper end of the final bisection bracket): {@link
   * #analyticSigma(PrivacyBudget, double)} for sensitivity 1.
   *
   * @param budget the target; its delta must be positive; its epsilon may be 0
   * @return s, positive and finite
   * @throws IllegalArgumentException when the budget's delta is 0
   */
  public static double noiseMultiplier(PrivacyBudget budget) {
    withPositiveDelta(budget);
    return multiplier(budget.epsilon(), budget.delta());
  }

  private static double multiplier(double epsilon, double delta) {
    double logTarget = Math.log(delta);
    // logDelta(s) decreases in s; find hi with logDelta(hi) <= target, lo with logDelta(lo) >
    // target.
    double hi = 1.0;
    while (logDelta(hi, epsilon) > logTarget) {
      hi *= 2.0;
    }
    double lo = hi / 2.0;
    while (lo > Double.MIN_NORMAL && logDelta(lo, epsilon) <= logTarget) {
      hi = lo;
      lo /= 2.0;
    }
    return smallestMeeting(lo, hi, s -> logDelta(s, epsilon) <= logTarget);
  }

  /**
   * The upper end of the bracket {@code (lo, hi]} bisected down to adjacent doubles (or {@link
   * #MAX_BISECTIONS} steps): {@code meets} is false at {@code lo} and true at {@code hi}, and
   * switches once in between.
   */
  private static double smallestMeeting(double lo, double hi, DoublePredicate meets) {
    for (int i = 0; i < MAX_BISECTIONS; i++) {
      double mid = lo + 0.5 * (hi - lo);
      if (mid <= lo || mid >= hi) {
        break;
      }
      if (meets.test(mid)) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  private static PrivacyBudget withPositiveDelta(PrivacyBudget budget) {
    Checks.notNull("budget", budget);
    Checks.require(
        budget.delta() > 0, "budget.delta", "positive for the Gaussian mechanism", budget.delta());
    return budget;
  }

  /**
   * The classic calibration {@code σ = Δ·sqrt(2 ln(1.25/δ))/ε} (Dwork &amp; Roth 2014, Theorem
   * A.1). Only proven for ε &lt; 1, and wasteful there (1.2–2.2× the analytic σ); for ε ≥ 1 it can
   * even fail to give the claimed δ, so this method refuses it. Prefer {@link
   * #analyticSigma(PrivacyBudget, double)}.
   *
   * @param budget epsilon in {@code (0, 1)}, delta in {@code (0, 1)}
   * @param l2Sensitivity positive and finite
   * @return σ
   */
  public static double classicSigma(PrivacyBudget budget, double l2Sensitivity) {
    Checks.notNull("budget", budget);
    Checks.require(
        budget.epsilon() > 0 && budget.epsilon() < 1,
        "budget.epsilon",
        "in (0, 1) for the classic Gaussian calibration (Dwork & Roth Thm A.1); use analyticSigma",
        budget.epsilon());
    withPositiveDelta(budget);
    Checks.positiveFinite("l2Sensitivity", l2Sensitivity);
    return l2Sensitivity * Math.sqrt(2.0 * Math.log(1.25 / budget.delta())) / budget.epsilon();
  }

  /**
   * The exact δ of one Gaussian mechanism at the given ε (Balle &amp; Wang 2018, Theorem 8).
   * Evaluated with a pessimistic error allowance (about 4e-15 relative to Φ(a)), so it is never
   * below the true value.
   *
   * @param mechanism the mechanism, by its noise multiplier {@code s = σ/Δ} (0 gives δ = 1), not
   *     null
   * @param epsilon finite and {@code >= 0}
   * @return δ in {@code [0, 1]}
   */
  public static double delta(GaussianEvent mechanism, double epsilon) {
    double noiseMultiplier = Checks.notNull("mechanism", mechanism).noiseMultiplier();
    Checks.nonNegativeFinite("epsilon", epsilon);
    if (noiseMultiplier == 0) {
      return 1.0;
    }
    return Math.min(1.0, Math.exp(logDelta(noiseMultiplier, epsilon)));
  }

  /**
   * The smallest ε at which one Gaussian mechanism is (ε, δ)-DP (inverse of {@link
   * #delta(GaussianEvent, double)}, by bisection; the upper end of the final bracket).
   *
   * @param mechanism the mechanism, by its noise multiplier {@code s = σ/Δ} (0 gives +Infinity),
   *     not null
   * @param delta in {@code (0, 1)}
   * @return ε {@code >= 0}, possibly {@code +Infinity}
   */
  public static double epsilon(GaussianEvent mechanism, double delta) {
    double noiseMultiplier = Checks.notNull("mechanism", mechanism).noiseMultiplier();
    Checks.positiveDelta("delta", delta);
    if (noiseMultiplier == 0) {
      return Double.POSITIVE_INFINITY;
    }
    double logTarget = Math.log(delta);
    if (logDelta(noiseMultiplier, 0.0) <= logTarget) {
      return 0.0;
    }
    double lo = 0.0;
    double hi = 1.0;
    while (logDelta(noiseMultiplier, hi) > logTarget) {
      lo = hi;
      hi *= 2.0;
      if (hi == Double.POSITIVE_INFINITY) {
        return hi;
      }
    }
    return smallestMeeting(lo, hi, eps -> logDelta(noiseMultiplier, eps) <= logTarget);
  }

  /**
   * {@code log δ(ε)} for noise multiplier s: {@code log[Φ(a) − e^ε Φ(b)]} with {@code a = 1/(2s) −
   * εs}, {@code b = −1/(2s) − εs}, computed as {@code log Φ(a) + log(1 − exp(ε + log Φ(b) − log
   * Φ(a)))}. For large ε the two terms of {@code a} nearly cancel at the answer (both about {@code
   * sqrt(ε/2)}), so {@code a} is rounded up and {@code b} down by a bound on their rounding error,
   * {@code 2^-52 (1/(2s) + εs)}: the result stays an upper bound, and is non-increasing in ε and s.
   * {@code −∞} when {@code Φ(a)} underflows even in log space (δ is then below e^-1e308).
   */
  static double logDelta(double s, double epsilon) {
    double inverse = 0.5 / s;
    double product = epsilon * s;
    if (product == Double.POSITIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY; // a = -inf: Φ(a) = 0
    }
    double rounding = 0x1p-52 * (inverse + product);
    double a = inverse - product + rounding;
    double b = -inverse - product - rounding;
    double logPhiA = LogMath.logNormalCdf(a);
    if (logPhiA == Double.NEGATIVE_INFINITY) {
      return Double.NEGATIVE_INFINITY;
    }
    double logRatio = epsilon + LogMath.logNormalCdf(b) - logPhiA;
    double gap = logRatio >= 0 ? 0.0 : -Math.expm1(logRatio);
    return logPhiA + Math.log(gap + RATIO_ABSOLUTE_ERROR) + LOG_RELATIVE_SLACK;
  }
}

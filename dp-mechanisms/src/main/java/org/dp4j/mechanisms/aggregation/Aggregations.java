package org.dp4j.mechanisms.aggregation;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.GaussianMechanism;
import org.dp4j.mechanisms.LaplaceMechanism;
import org.dp4j.mechanisms.NoiseMechanism;

/** Shared helpers of the aggregations. Package-private. */
final class Aggregations {

  private Aggregations() {}

  static NoiseMechanism mechanism(
      PrivacyBudget budget, double sensitivity, NoiseKind kind, UniformRandomProvider random) {
    return switch (kind) {
      case LAPLACE -> LaplaceMechanism.of(budget, sensitivity, random);
      case GAUSSIAN -> GaussianMechanism.of(budget, sensitivity, random);
    };
  }

  /**
   * The exact cost of one release whose independent noisy parts see their inputs move by {@code
   * shifts[j]} at most at the same time (0: part {@code j} is unchanged), in the unit {@link
   * #costEvent} takes, rounded up:
   *
   * <ul>
   *   <li>Laplace parts: the pure epsilon {@code Σ_j ε_j(s_j)} ({@link
   *       LaplaceMechanism#epsilonFor(double)}). The privacy loss of independent discrete Laplace
   *       noises with grid shifts {@code k_j} is at most {@code Σ_j k_j / t_j}, attained where
   *       every coordinate is in its tail, so the sum is the exact pure-DP cost (Dwork &amp; Roth
   *       2014, Thm. 3.6 for one coordinate).
   *   <li>Gaussian parts: {@code mu = sqrt(Σ_j (1 / m_j(s_j))^2)} with {@code m_j} the part's
   *       multiplier at that shift ({@link GaussianMechanism#noiseMultiplierFor(double)}).
   *       Independent Gaussians with shifts {@code k_j} and standard deviations {@code σ_j} have
   *       the privacy loss of one Gaussian with shift {@code ||(k_j / σ_j)||_2} (rotation
   *       invariance; in Renyi terms the coordinates' divergences {@code α k_j^2 / (2σ_j^2)} add,
   *       Mironov 2017, Prop. 1 and 7), so the release is {@code GaussianEvent(1 / mu)}.
   * </ul>
   *
   * @param parts the release's mechanisms, all of one kind
   * @param shifts one non-negative input change per part
   */
  static double scenarioCost(NoiseMechanism[] parts, double... shifts) {
    double total = 0;
    for (int j = 0; j < parts.length; j++) {
      if (shifts[j] == 0) {
        continue;
      }
      if (parts[j] instanceof LaplaceMechanism laplace) {
        total = sumRoundedUp(total, laplace.epsilonFor(shifts[j]));
      } else {
        double inverse = 1.0 / ((GaussianMechanism) parts[j]).noiseMultiplierFor(shifts[j]);
        total += inverse * inverse;
      }
    }
    return parts[0] instanceof LaplaceMechanism ? total : roundedUp(Math.sqrt(total));
  }

  /** {@code a + b} rounded up: the next double up when the sum is inexact (Knuth's TwoSum). */
  static double sumRoundedUp(double a, double b) {
    double sum = a + b;
    double bPart = sum - a;
    double error = (a - (sum - bPart)) + (b - bPart);
    return error > 0 ? Math.nextUp(sum) : sum;
  }

  /**
   * The event of one part alone on a query whose input moves by at most {@code shift} (positive):
   * {@code EpsilonDeltaEvent.pure(ε(shift))} or {@code GaussianEvent(m(shift))}, stated for the
   * relation under which {@code shift} is the sensitivity.
   */
  static PrivacyEvent partEvent(NoiseMechanism part, double shift) {
    return part instanceof LaplaceMechanism laplace
        ? EpsilonDeltaEvent.pure(laplace.epsilonFor(shift))
        : new GaussianEvent(((GaussianMechanism) part).noiseMultiplierFor(shift));
  }

  /**
   * The event of a release whose cost (in the unit of {@link #scenarioCost}) is {@code cost}:
   * {@code EpsilonDeltaEvent.pure(cost)} for Laplace, {@code GaussianEvent(1 / cost)} rounded down
   * for Gaussian.
   */
  static PrivacyEvent costEvent(NoiseKind kind, double cost) {
    if (kind == NoiseKind.LAPLACE) {
      return EpsilonDeltaEvent.pure(cost);
    }
    double multiplier = 1.0 / cost;
    return new GaussianEvent(
        Math.fma(multiplier, cost, -1.0) > 0 ? Math.nextDown(multiplier) : multiplier);
  }

  /**
   * {@code x} rounded up by a relative 2^-48 and one ulp, which covers the rounding of up to about
   * 30 floating-point operations on non-negative operands (2^-53 relative each).
   */
  static double roundedUp(double x) {
    return x == 0 || x == Double.POSITIVE_INFINITY ? x : Math.nextUp(x + x * 0x1p-48);
  }

  /**
   * The budget split evenly into {@code parts} by basic composition (Dwork &amp; Roth 2014, Thm.
   * 3.16).
   */
  static PrivacyBudget share(PrivacyBudget budget, int parts) {
    return PrivacyBudget.approximate(budget.epsilon() / parts, budget.delta() / parts);
  }

  static void checkCommon(
      PrivacyBudget budget, Bounds bounds, NoiseKind kind, UniformRandomProvider random) {
    Checks.notNull("budget", budget);
    Checks.notNull("bounds", bounds);
    Checks.notNull("noise", kind);
    Checks.notNull("random", random);
  }

  static double checkLevel(double confidenceLevel) {
    Checks.require(
        confidenceLevel > 0 && confidenceLevel < 1,
        "confidenceLevel",
        "in (0, 1)",
        confidenceLevel);
    return confidenceLevel;
  }

  /** Count of non-NaN values and the sum of their clamped, centred values and squares. */
  record Moments(long count, double sum, double sumOfSquares) {
    static Moments of(double[] values, Bounds bounds) {
      Checks.notNull("values", values);
      double mid = bounds.midpoint();
      long n = 0;
      double s = 0;
      double s2 = 0;
      for (double v : values) {
        if (Double.isNaN(v)) {
          continue;
        }
        double c = bounds.clamp(v) - mid;
        n++;
        s += c;
        s2 += c * c;
      }
      return new Moments(n, s, s2);
    }
  }
}

package org.dp4j.mechanisms.aggregation;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
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

  /** The budget split evenly into {@code parts} by basic composition (Dwork &amp; Roth 2014, Thm. 3.16). */
  static PrivacyBudget share(PrivacyBudget budget, int parts) {
    return PrivacyBudget.approximate(budget.epsilon() / parts, budget.delta() / parts);
  }

  static void checkCommon(PrivacyBudget budget, Bounds bounds, NoiseKind kind, UniformRandomProvider random) {
    Checks.notNull("budget", budget);
    Checks.notNull("bounds", bounds);
    Checks.notNull("noise", kind);
    Checks.notNull("random", random);
  }

  static double checkLevel(double confidenceLevel) {
    Checks.require(confidenceLevel > 0 && confidenceLevel < 1, "confidenceLevel", "in (0, 1)", confidenceLevel);
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

package org.dp4j.mechanisms.selection;

import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.internal.Checks;

/** Shared argument checks and the rounding margin of the selection mechanisms. Package-private. */
final class SelectionSupport {

  /**
   * Relative margin taken off epsilon before computing acceptance exponents, 2^-30: it dominates
   * the relative rounding error (a few units of 2^-53) of computing {@code (u* - u) * epsilon / (2
   * Δ)} in doubles, so the exact trials run at an epsilon never above the stated one.
   */
  static final double EPSILON_MARGIN = 0x1.0p-30;

  private SelectionSupport() {}

  static double checkedEpsilon(PrivacyBudget budget) {
    Checks.notNull("budget", budget);
    Checks.require(budget.isPure(), "budget.delta", "0 for this mechanism", budget.delta());
    return Checks.positiveFinite("budget.epsilon", budget.epsilon());
  }

  /**
   * The pure epsilon of a selection at rate {@code epsilon / (2 calibrated)} when the utilities'
   * sensitivity is {@code utilitySensitivity}: {@code epsilon * utilitySensitivity / calibrated}
   * (McSherry &amp; Talwar 2007, Thm. 6, at any sensitivity), rounded up by a relative 2^-50 and
   * one ulp to cover the two roundings.
   */
  static double epsilonFor(double epsilon, double calibrated, double utilitySensitivity) {
    Checks.nonNegativeFinite("utilitySensitivity", utilitySensitivity);
    if (utilitySensitivity == calibrated) {
      return epsilon;
    }
    double value = epsilon * utilitySensitivity / calibrated;
    return value == 0 || value == Double.POSITIVE_INFINITY
        ? value
        : Math.nextUp(value + value * 0x1p-50);
  }

  /** Checks utilities are non-empty and finite; returns their maximum. */
  static double checkedMaximum(double[] utilities) {
    Checks.notNull("utilities", utilities);
    Checks.require(utilities.length > 0, "utilities.length", "positive", utilities.length);
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < utilities.length; i++) {
      double u = utilities[i];
      if (!Double.isFinite(u)) {
        throw new IllegalArgumentException(Checks.message("utilities[" + i + "]", "finite", u));
      }
      max = Math.max(max, u);
    }
    return max;
  }
}

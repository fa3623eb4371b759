package org.dp4j.core;

import org.dp4j.core.internal.Checks;

/**
 * An (epsilon, delta) differential-privacy guarantee or allowance (Dwork &amp; Roth 2014, Def.
 * 2.4).
 *
 * <p>{@code epsilon} is a natural-log privacy-loss bound, finite and {@code >= 0}; {@code delta} is
 * a probability in {@code [0, 1)}. NaN and infinities are rejected: an infinite epsilon is "no
 * guarantee" and is never a budget. Instances are immutable and safe to share.
 *
 * @param epsilon the privacy-loss bound, finite and non-negative
 * @param delta the failure probability, in {@code [0, 1)}
 */
public record PrivacyBudget(double epsilon, double delta) {

  /**
   * Validates both parameters; see the class documentation for the rules.
   *
   * @param epsilon finite and non-negative
   * @param delta in {@code [0, 1)}
   * @throws IllegalArgumentException when either breaks its rule (NaN and infinities included)
   */
  public PrivacyBudget {
    Checks.nonNegativeFinite("epsilon", epsilon);
    Checks.delta("delta", delta);
  }

  /**
   * A pure epsilon-DP budget (delta = 0).
   *
   * @param epsilon finite and non-negative
   * @return the budget (epsilon, 0)
   */
  public static PrivacyBudget pure(double epsilon) {
    return new PrivacyBudget(epsilon, 0.0);
  }

  /**
   * An approximate (epsilon, delta)-DP budget.
   *
   * @param epsilon finite and non-negative
   * @param delta in {@code [0, 1)}
   * @return the budget (epsilon, delta)
   */
  public static PrivacyBudget approximate(double epsilon, double delta) {
    return new PrivacyBudget(epsilon, delta);
  }

  /** {@return whether this is a pure guarantee ({@code delta == 0})} */
  public boolean isPure() {
    return delta == 0.0;
  }

  /**
   * Whether this guarantee is at least as strong as {@code other}: both epsilon and delta are no
   * larger.
   *
   * @param other the budget to compare with, not null
   * @return {@code epsilon <= other.epsilon && delta <= other.delta}
   */
  public boolean isWithin(PrivacyBudget other) {
    Checks.notNull("other", other);
    return epsilon <= other.epsilon && delta <= other.delta;
  }
}

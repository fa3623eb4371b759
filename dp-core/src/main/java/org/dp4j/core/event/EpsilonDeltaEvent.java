package org.dp4j.core.event;

import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.internal.Checks;

/**
 * A mechanism known only by its (epsilon, delta)-DP guarantee; pure when {@code delta == 0}.
 * Accountants must treat it as the worst mechanism with that guarantee.
 *
 * @param epsilon finite and {@code >= 0}
 * @param delta in {@code [0, 1)}
 */
public record EpsilonDeltaEvent(double epsilon, double delta) implements PrivacyEvent {

  /**
   * Validates both parameters.
   *
   * @param epsilon finite and {@code >= 0}
   * @param delta in {@code [0, 1)}
   * @throws IllegalArgumentException when either breaks its rule (NaN included)
   */
  public EpsilonDeltaEvent {
    Checks.nonNegativeFinite("epsilon", epsilon);
    Checks.delta("delta", delta);
  }

  @Override
  public <R, C> R accept(EventVisitor<R, C> visitor, C context) {
    return visitor.epsilonDelta(this, context);
  }

  /**
   * A pure epsilon-DP mechanism.
   *
   * @param epsilon finite and {@code >= 0}
   * @return the event with {@code delta == 0}
   */
  public static EpsilonDeltaEvent pure(double epsilon) {
    return new EpsilonDeltaEvent(epsilon, 0.0);
  }

  /**
   * An (epsilon, delta)-DP mechanism.
   *
   * @param epsilon finite and {@code >= 0}
   * @param delta in {@code [0, 1)}
   * @return the event
   */
  public static EpsilonDeltaEvent approximate(double epsilon, double delta) {
    return new EpsilonDeltaEvent(epsilon, delta);
  }

  /**
   * A mechanism with exactly the given budget's guarantee.
   *
   * @param budget the guarantee, not null
   * @return the event with the budget's epsilon and delta
   */
  public static EpsilonDeltaEvent of(PrivacyBudget budget) {
    Checks.notNull("budget", budget);
    return new EpsilonDeltaEvent(budget.epsilon(), budget.delta());
  }

  /** {@return whether the mechanism is pure, {@code delta == 0}} */
  public boolean isPure() {
    return delta == 0.0;
  }
}

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

  /** Validates both parameters. */
  public EpsilonDeltaEvent {
    Checks.nonNegativeFinite("epsilon", epsilon);
    Checks.delta("delta", delta);
  }

  @Override
  public <R, C> R accept(EventVisitor<R, C> visitor, C context) {
    return visitor.epsilonDelta(this, context);
  }

  /** A pure epsilon-DP mechanism. */
  public static EpsilonDeltaEvent pure(double epsilon) {
    return new EpsilonDeltaEvent(epsilon, 0.0);
  }

  /** An (epsilon, delta)-DP mechanism. */
  public static EpsilonDeltaEvent approximate(double epsilon, double delta) {
    return new EpsilonDeltaEvent(epsilon, delta);
  }

  /** A mechanism with exactly the given budget's guarantee. */
  public static EpsilonDeltaEvent of(PrivacyBudget budget) {
    Checks.notNull("budget", budget);
    return new EpsilonDeltaEvent(budget.epsilon(), budget.delta());
  }

  /** Whether {@code delta == 0}. */
  public boolean isPure() {
    return delta == 0.0;
  }
}

package org.dp4j.core.budget;

import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.event.PrivacyEvent;

/**
 * Thrown by {@link PrivacyFilter#spend} and {@link PrivacyFilter#reserve} when recording the event
 * would push the spent epsilon (at the filter's target delta) above the total budget. The filter is
 * unchanged. The message states what was requested, what is spent and what remains.
 */
public final class PrivacyBudgetExceededException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient PrivacyEvent event;

  /** The refused request's label. */
  private final String label;

  /** The filter's total budget. */
  private final PrivacyBudget budget;

  /** Epsilon spent when the request was refused. */
  private final double spentEpsilon;

  /** Epsilon the filter would have reached had it accepted. */
  private final double epsilonIfSpent;

  /** Epsilon still available when the request was refused. */
  private final double remainingEpsilon;

  /**
   * @param event the refused event
   * @param label its label
   * @param budget the filter's total budget
   * @param spentEpsilon epsilon spent before the request
   * @param epsilonIfSpent epsilon the filter would have reached (may be infinite or NaN)
   * @param remainingEpsilon epsilon still available
   */
  public PrivacyBudgetExceededException(
      PrivacyEvent event,
      String label,
      PrivacyBudget budget,
      double spentEpsilon,
      double epsilonIfSpent,
      double remainingEpsilon) {
    super(
        "privacy budget exceeded for '"
            + label
            + "' ("
            + event
            + "): requested epsilon "
            + (epsilonIfSpent - spentEpsilon)
            + " (total would be "
            + epsilonIfSpent
            + "), spent "
            + spentEpsilon
            + ", remaining "
            + remainingEpsilon
            + " of the budget epsilon "
            + budget.epsilon()
            + " at delta "
            + budget.delta());
    this.event = event;
    this.label = label;
    this.budget = budget;
    this.spentEpsilon = spentEpsilon;
    this.epsilonIfSpent = epsilonIfSpent;
    this.remainingEpsilon = remainingEpsilon;
  }

  /** {@return the refused event} */
  public PrivacyEvent event() {
    return event;
  }

  /** {@return the refused request's label} */
  public String label() {
    return label;
  }

  /** {@return the filter's total budget} */
  public PrivacyBudget budget() {
    return budget;
  }

  /** {@return the epsilon spent when the request was refused} */
  public double spentEpsilon() {
    return spentEpsilon;
  }

  /** {@return the epsilon the filter would have reached had it accepted (may be infinite)} */
  public double epsilonIfSpent() {
    return epsilonIfSpent;
  }

  /** {@return the marginal epsilon the request asked for: {@code epsilonIfSpent - spentEpsilon}} */
  public double requestedEpsilon() {
    return epsilonIfSpent - spentEpsilon;
  }

  /** {@return the epsilon still available when the request was refused} */
  public double remainingEpsilon() {
    return remainingEpsilon;
  }
}

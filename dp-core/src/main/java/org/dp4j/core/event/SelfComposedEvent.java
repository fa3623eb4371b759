package org.dp4j.core.event;

import org.dp4j.core.internal.Checks;

/**
 * {@code count} independent repetitions of the same event (for example the steps of DP-SGD).
 *
 * @param event the repeated event, not null
 * @param count number of repetitions, {@code >= 1}
 */
public record SelfComposedEvent(PrivacyEvent event, long count) implements PrivacyEvent {

  /**
   * Validates both parameters.
   *
   * @param event not null
   * @param count {@code >= 1}
   * @throws IllegalArgumentException when the count is not positive
   */
  public SelfComposedEvent {
    Checks.notNull("event", event);
    Checks.positive("count", count);
  }

  @Override
  public <R, C> R accept(EventVisitor<R, C> visitor, C context) {
    return visitor.selfComposed(this, context);
  }
}

package org.dp4j.core.event;

import java.util.Arrays;
import java.util.List;
import org.dp4j.core.internal.Checks;

/**
 * The adaptive composition of several events, in order. The list is copied; it may be empty (no
 * release, no privacy loss).
 *
 * @param events the composed events, not null and without null elements
 */
public record ComposedEvent(List<PrivacyEvent> events) implements PrivacyEvent {

  /**
   * Validates and copies the list.
   *
   * @param events the composed events, in order; may be empty
   * @throws NullPointerException when the list or an element is null
   */
  public ComposedEvent {
    events = List.copyOf(Checks.noNulls("events", events));
  }

  @Override
  public <R, C> R accept(EventVisitor<R, C> visitor, C context) {
    return visitor.composed(this, context);
  }

  /**
   * The composition of the given events, in order.
   *
   * @param events the events, not null and without null elements; may be none
   * @return their composition
   */
  public static ComposedEvent of(PrivacyEvent... events) {
    Checks.notNull("events", events);
    return new ComposedEvent(Arrays.asList(events));
  }
}

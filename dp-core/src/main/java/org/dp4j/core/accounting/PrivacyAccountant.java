package org.dp4j.core.accounting;

import java.util.List;
import java.util.Optional;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.dp4j.core.internal.Checks;

/**
 * Composes privacy events and reports the resulting guarantee.
 *
 * <p>An accountant is a mutable accumulator: {@link #compose(PrivacyEvent)} adds an event, and
 * {@link #epsilon(double)} / {@link #delta(double)} read the guarantee of everything composed so
 * far. Reported values are <strong>upper bounds</strong> on the privacy loss under {@link
 * #relation()}: rounding is always pessimistic. An event the accountant cannot analyse is rejected
 * with {@link UnsupportedEventException} and leaves the accountant unchanged. Events are read under
 * {@link #relation()} as {@link PrivacyEvent} documents: a {@link
 * org.dp4j.core.event.PerRelationEvent} is charged its branch for that relation, as stated, and
 * {@link #events()} keeps every event as it was composed.
 *
 * <p>Implementations are not thread-safe; wrap them (for example in a budget filter) to share one.
 */
public interface PrivacyAccountant {

  /** {@return the neighbouring relation under which this accountant states its guarantee} */
  NeighbouringRelation relation();

  /**
   * Why this accountant cannot analyse {@code event}, or empty when it can. The event is inspected
   * recursively (samplers and compositions included).
   *
   * @param event the event, not null
   * @return a one-sentence reason naming the unsupported part, or empty
   */
  Optional<String> unsupportedReason(PrivacyEvent event);

  /**
   * Whether {@link #compose(PrivacyEvent)} would accept {@code event}.
   *
   * @param event any event, not null
   * @return true when {@link #unsupportedReason(PrivacyEvent)} is empty
   */
  default boolean supports(PrivacyEvent event) {
    return unsupportedReason(event).isEmpty();
  }

  /**
   * Adds one event to the composition.
   *
   * @param event the event, not null
   * @return this accountant, for chaining
   * @throws UnsupportedEventException when {@link #supports(PrivacyEvent)} is false; nothing
   *     changes
   */
  PrivacyAccountant compose(PrivacyEvent event);

  /**
   * Adds {@code count} repetitions of one event, as one {@link SelfComposedEvent}.
   *
   * @param event the event, not null
   * @param count repetitions, {@code >= 1}
   * @return this accountant, for chaining
   */
  default PrivacyAccountant compose(PrivacyEvent event, long count) {
    Checks.positive("count", count);
    return compose(count == 1 ? event : new SelfComposedEvent(event, count));
  }

  /**
   * The smallest epsilon this accountant can certify at the given delta for everything composed.
   *
   * @param delta target delta, in {@code [0, 1)}
   * @return epsilon {@code >= 0}, or {@code +Infinity} when no finite epsilon is certified
   */
  double epsilon(double delta);

  /**
   * The smallest delta this accountant can certify at the given epsilon.
   *
   * @param epsilon target epsilon, finite and {@code >= 0}
   * @return delta in {@code [0, 1]} (1 means no guarantee)
   */
  double delta(double epsilon);

  /** {@return the events composed so far, in order; an immutable snapshot} */
  List<PrivacyEvent> events();

  /**
   * {@return an independent accountant with the same configuration and the same composed events}
   */
  PrivacyAccountant copy();
}

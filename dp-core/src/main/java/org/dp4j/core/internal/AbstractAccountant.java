package org.dp4j.core.internal;

import java.util.List;
import java.util.Optional;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.accounting.UnsupportedEventException;
import org.dp4j.core.event.PrivacyEvent;

/**
 * What every dp4j accountant does the same way: it holds its relation and its log of composed
 * events, resolves each event for its relation ({@link RelationResolution}) at the entry points,
 * rejects an unsupported event with {@link UnsupportedEventException} before anything changes, and
 * logs the event as it was given. A subclass says why it cannot analyse a resolved event ({@link
 * #unsupportedPart}), how a supported one changes its state ({@link #add}), and how it converts its
 * state to (epsilon, delta). Not public API; not thread-safe, like the accountants.
 *
 * <p>{@code A} is bounded by the public {@link PrivacyAccountant}, not by this class, so that the
 * erased signatures of the inherited {@code compose} methods name only public types: code that
 * calls {@code new PldAccountant().compose(event)} links against no internal class.
 *
 * @param <A> the accountant class itself, so that {@code compose} and {@code copy} return it
 */
public abstract class AbstractAccountant<A extends PrivacyAccountant> implements PrivacyAccountant {

  private final NeighbouringRelation relation;
  private final EventLog log;

  /**
   * An empty accountant.
   *
   * @param relation the relation it states its guarantee under, not null
   * @throws NullPointerException when {@code relation} is null
   */
  protected AbstractAccountant(NeighbouringRelation relation) {
    this.relation = Checks.notNull("relation", relation);
    this.log = new EventLog();
  }

  /** A copy of {@code other}'s relation and log, for a subclass's {@link #copy()}. */
  protected AbstractAccountant(AbstractAccountant<A> other) {
    this.relation = other.relation;
    this.log = other.log.copy();
  }

  @Override
  public final NeighbouringRelation relation() {
    return relation;
  }

  @Override
  public final Optional<String> unsupportedReason(PrivacyEvent event) {
    return unsupportedPart(RelationResolution.resolve(event, relation));
  }

  /**
   * {@inheritDoc}
   *
   * @throws UnsupportedEventException when any part of {@code event} is unsupported (see the class
   *     documentation); nothing changes
   */
  @Override
  public final A compose(PrivacyEvent event) {
    PrivacyEvent resolved = RelationResolution.resolve(event, relation);
    Optional<String> reason = unsupportedPart(resolved);
    if (reason.isPresent()) {
      throw new UnsupportedEventException(getClass().getSimpleName(), event, reason.get());
    }
    add(resolved);
    log.add(event);
    return self();
  }

  /**
   * {@inheritDoc}
   *
   * @throws UnsupportedEventException when any part of {@code event} is unsupported; nothing
   *     changes
   */
  @Override
  public final A compose(PrivacyEvent event, long count) {
    Checks.positive("count", count);
    return compose(Checks.notNull("event", event).repeated(count));
  }

  @Override
  public final List<PrivacyEvent> events() {
    return log.snapshot();
  }

  @Override
  public abstract A copy();

  /**
   * Why this accountant cannot analyse {@code resolved} in its current state.
   *
   * @param resolved the event, resolved for {@link #relation()} (no per-relation events)
   * @return a one-sentence reason naming the unsupported part, or empty
   */
  protected abstract Optional<String> unsupportedPart(PrivacyEvent resolved);

  /**
   * Adds a supported event to the state. Called only when {@link #unsupportedPart} found nothing.
   *
   * @param resolved the event, resolved for {@link #relation()}
   */
  protected abstract void add(PrivacyEvent resolved);

  @SuppressWarnings("unchecked")
  private A self() {
    return (A) this;
  }
}

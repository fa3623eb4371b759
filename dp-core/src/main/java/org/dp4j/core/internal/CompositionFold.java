package org.dp4j.core.internal;

import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EventVisitor;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;

/**
 * The walk over an event's compositions, written once for every accountant: a subclass says what
 * one mechanism costs (the leaf methods of {@link EventVisitor}, and {@code poissonSampled}, since
 * each accountant analyses sampling with its own theorem), and this class walks {@link
 * SelfComposedEvent} and {@link ComposedEvent}. Not public API.
 *
 * <p>Two directions are offered, and a fold uses whichever keeps its arithmetic as its analysis
 * states it:
 *
 * <ul>
 *   <li>top down, a repetition count reaches the mechanisms through the context: {@link
 *       #repeatContext} gives the context of the repeated event (for example the multiplicity times
 *       the count), and the leaves add their cost, times that multiplicity, somewhere;
 *   <li>bottom up, results combine: {@link #repeat} gives the result of {@code count} repetitions
 *       from that of one, and a composition starts from {@link #empty()} and adds its parts'
 *       results in order with {@link #then}.
 * </ul>
 *
 * <p>Accountants resolve {@link PerRelationEvent}s for their relation before folding ({@link
 * RelationResolution}), so by default {@link #perRelation} reports a resolution that was missed.
 *
 * @param <R> the result of a fold ({@link Void} for a fold that only has effects)
 * @param <C> the context passed down ({@link Void} for none)
 */
public abstract class CompositionFold<R, C> implements EventVisitor<R, C> {

  /** For subclasses. */
  protected CompositionFold() {}

  /** The result of a composition of no events. */
  protected abstract R empty();

  /**
   * The result of {@code total} followed by {@code next}.
   *
   * @param total the result of the events before, starting with {@link #empty()}
   * @param next the result of the next event
   * @return the result of both
   */
  protected abstract R then(R total, R next);

  /**
   * The result of {@code count} repetitions of an event whose result, visited under {@link
   * #repeatContext}, is {@code once}. By default {@code once}: a top-down fold has already counted
   * the repetitions in the context.
   */
  protected R repeat(R once, long count) {
    return once;
  }

  /**
   * The context under which the event of {@code count} repetitions is visited. By default the same
   * context: a bottom-up fold counts the repetitions in {@link #repeat}.
   */
  protected C repeatContext(C context, long count) {
    return context;
  }

  @Override
  public final R selfComposed(SelfComposedEvent event, C context) {
    long count = event.count();
    return repeat(event.event().accept(this, repeatContext(context, count)), count);
  }

  @Override
  public final R composed(ComposedEvent event, C context) {
    R total = empty();
    for (PrivacyEvent part : event.events()) {
      total = then(total, part.accept(this, context));
    }
    return total;
  }

  /**
   * A per-relation event. By default an {@link IllegalStateException}: an accountant folds events
   * that {@link RelationResolution#resolve} has already rewritten for its relation.
   */
  @Override
  public R perRelation(PerRelationEvent event, C context) {
    throw new IllegalStateException(
        "a PerRelationEvent must be resolved for the accountant's relation before folding, got "
            + event);
  }
}

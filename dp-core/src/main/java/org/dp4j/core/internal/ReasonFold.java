package org.dp4j.core.internal;

import java.util.Optional;
import org.dp4j.core.event.PrivacyEvent;

/**
 * A fold that finds why an accountant cannot analyse an event: each leaf (and {@code
 * poissonSampled}) gives its reason or empty, repetitions have the reason of what they repeat, and
 * a composition has the first reason among its parts, in order. Not public API.
 */
public abstract class ReasonFold extends CompositionFold<Optional<String>, Void> {

  /** For subclasses. */
  protected ReasonFold() {}

  /**
   * Why {@code event} is not supported.
   *
   * @param event a resolved event (see {@link RelationResolution}), not null
   * @return the first reason found, or empty when every part is supported
   */
  public final Optional<String> reason(PrivacyEvent event) {
    return event.accept(this, null);
  }

  @Override
  protected final Optional<String> empty() {
    return Optional.empty();
  }

  @Override
  protected final Optional<String> then(Optional<String> total, Optional<String> next) {
    return total.isPresent() ? total : next;
  }
}

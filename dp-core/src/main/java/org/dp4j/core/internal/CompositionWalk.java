package org.dp4j.core.internal;

/**
 * A {@link CompositionFold} that only has effects (collecting terms, adding into a running bound,
 * checking): every visit returns {@code null}, and a repetition count reaches the mechanisms
 * through the context ({@link #repeatContext}). Not public API.
 *
 * @param <C> the context passed down ({@link Void} for none)
 */
public abstract class CompositionWalk<C> extends CompositionFold<Void, C> {

  /** For subclasses. */
  protected CompositionWalk() {}

  @Override
  protected final Void empty() {
    return null;
  }

  @Override
  protected final Void then(Void total, Void next) {
    return null;
  }
}

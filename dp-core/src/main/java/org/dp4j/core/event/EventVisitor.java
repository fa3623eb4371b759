package org.dp4j.core.event;

/**
 * One method per kind of {@link PrivacyEvent}: {@link PrivacyEvent#accept(EventVisitor, Object)}
 * calls the method for the event's record. This is how dp4j dispatches on events instead of {@code
 * instanceof} ladders (Java 17 has no exhaustive pattern-matching {@code switch}): adding an event
 * type adds a method here, and the compiler then names every visitor that must handle it (the
 * accountants, the ledger's codec, the relation resolution).
 *
 * <p>A visitor handles combinators ({@link PoissonSampledEvent}, {@link SelfComposedEvent}, {@link
 * ComposedEvent}, {@link PerRelationEvent}) by visiting their inner events itself, with {@code
 * inner.accept(this, context)}; accountants share that walk through a fold in {@code
 * org.dp4j.core.internal} rather than repeating it.
 *
 * @param <R> what a visit returns ({@link Void} and {@code null} for none)
 * @param <C> a context passed down to each visit, such as a repetition count or an output buffer
 *     ({@link Void} and {@code null} for none)
 */
public interface EventVisitor<R, C> {

  /**
   * Visits one Gaussian mechanism.
   *
   * @param event the event
   * @param context the context passed to {@code accept}
   * @return the visit's result
   */
  R gaussian(GaussianEvent event, C context);

  /**
   * Visits one Laplace mechanism.
   *
   * @param event the event
   * @param context the context passed to {@code accept}
   * @return the visit's result
   */
  R laplace(LaplaceEvent event, C context);

  /**
   * Visits a mechanism known by its (epsilon, delta) guarantee.
   *
   * @param event the event
   * @param context the context passed to {@code accept}
   * @return the visit's result
   */
  R epsilonDelta(EpsilonDeltaEvent event, C context);

  /**
   * Visits a mechanism known by its zCDP guarantee.
   *
   * @param event the event
   * @param context the context passed to {@code accept}
   * @return the visit's result
   */
  R zcdp(ZcdpEvent event, C context);

  /**
   * Visits an event run on a Poisson sample.
   *
   * @param event the event
   * @param context the context passed to {@code accept}
   * @return the visit's result
   */
  R poissonSampled(PoissonSampledEvent event, C context);

  /**
   * Visits repetitions of one event.
   *
   * @param event the event
   * @param context the context passed to {@code accept}
   * @return the visit's result
   */
  R selfComposed(SelfComposedEvent event, C context);

  /**
   * Visits a sequence of events.
   *
   * @param event the event
   * @param context the context passed to {@code accept}
   * @return the visit's result
   */
  R composed(ComposedEvent event, C context);

  /**
   * Visits a release whose cost is stated per neighbouring relation.
   *
   * @param event the event
   * @param context the context passed to {@code accept}
   * @return the visit's result
   */
  R perRelation(PerRelationEvent event, C context);
}

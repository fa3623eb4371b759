package org.dp4j.core.event;

import org.dp4j.core.internal.Checks;

/**
 * An immutable description of one privacy-relevant release (or a composition of them).
 *
 * <p>The hierarchy is sealed: these records are all the events there are. Code that treats each
 * kind differently implements {@link EventVisitor} and calls {@link #accept(EventVisitor, Object)},
 * never an {@code instanceof} ladder; Java 17's {@code switch} cannot check that every record is
 * handled (pattern matching for {@code switch} is a preview feature there), while a visitor that
 * misses a record does not compile.
 *
 * <h2>Neighbouring relation</h2>
 *
 * An accountant states its guarantee under one {@link org.dp4j.core.NeighbouringRelation}, and
 * reads events as follows:
 *
 * <ul>
 *   <li>{@link GaussianEvent} and {@link LaplaceEvent}: the noise multiplier is relative to the
 *       <em>add/remove-one</em> sensitivity of a sum of norm-bounded contributions (DP-SGD's
 *       clipped sum, for example). An accountant under another relation multiplies that sensitivity
 *       by {@link org.dp4j.core.NeighbouringRelation#sumSensitivityFactor()} (2 under {@code
 *       REPLACE_ONE}), that is, divides the multiplier by it.
 *   <li>{@link EpsilonDeltaEvent} and {@link ZcdpEvent}: the guarantee under the accountant's
 *       relation, taken as stated.
 *   <li>{@link PerRelationEvent}: the accountant takes the branch for its relation, stated for that
 *       relation and never rescaled (a Gaussian or Laplace multiplier inside a branch is relative
 *       to the sensitivity under that branch's relation).
 *   <li>{@link PoissonSampledEvent}, {@link SelfComposedEvent}, {@link ComposedEvent}: combinators;
 *       their inner events are read by the same rules.
 * </ul>
 *
 * Every mechanism in dp4j reports, as its event, its exact cost under whichever relation the
 * accountant uses: mechanisms that know their query report a {@link PerRelationEvent}.
 */
public sealed interface PrivacyEvent
    permits GaussianEvent,
        LaplaceEvent,
        EpsilonDeltaEvent,
        ZcdpEvent,
        PoissonSampledEvent,
        SelfComposedEvent,
        ComposedEvent,
        PerRelationEvent {

  /**
   * Calls the method of {@code visitor} for this event's record.
   *
   * @param visitor the visitor, not null
   * @param context passed on to the visitor's method unchanged (may be null)
   * @param <R> what the visitor returns
   * @param <C> the type of the context
   * @return what the visitor's method returned
   */
  <R, C> R accept(EventVisitor<R, C> visitor, C context);

  /**
   * This event run on a Poisson sample, each record kept independently with probability {@code
   * samplingRate}: a {@link PoissonSampledEvent}, or this event itself when {@code samplingRate ==
   * 1} (every record is kept).
   *
   * <p>One DP-SGD step, for example, is {@code new GaussianEvent(noiseMultiplier)
   * .poissonSampled(samplingRate)}, and a run of them {@code ...poissonSampled(samplingRate)
   * .repeated(steps)}.
   *
   * @param samplingRate the inclusion probability of each record, in {@code (0, 1]}
   * @return the sampled event
   * @throws IllegalArgumentException when {@code samplingRate} is outside {@code (0, 1]} or NaN
   */
  default PrivacyEvent poissonSampled(double samplingRate) {
    Checks.samplingRate("samplingRate", samplingRate);
    return samplingRate == 1.0 ? this : new PoissonSampledEvent(samplingRate, this);
  }

  /**
   * {@code count} repetitions of this event: a {@link SelfComposedEvent}, or this event itself when
   * {@code count == 1}.
   *
   * @param count the number of repetitions, {@code >= 1}
   * @return the repeated event
   * @throws IllegalArgumentException when {@code count < 1}
   */
  default PrivacyEvent repeated(long count) {
    Checks.positive("count", count);
    return count == 1 ? this : new SelfComposedEvent(this, count);
  }
}

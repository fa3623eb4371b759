package org.dp4j.core.event;

/**
 * An immutable description of one privacy-relevant release (or a composition of them).
 *
 * <p>The hierarchy is sealed, so accountants can switch over it exhaustively.
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
        PerRelationEvent {}

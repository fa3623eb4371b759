package org.dp4j.core.event;

/**
 * An immutable description of one privacy-relevant release (or a composition of them).
 *
 * <p>The hierarchy is sealed, so accountants can switch over it exhaustively. Events carry no
 * neighbouring relation: noise multipliers are relative to the sensitivity under
 * {@link org.dp4j.core.NeighbouringRelation#ADD_OR_REMOVE_ONE}, and an accountant configured for
 * another relation rescales them (see {@link org.dp4j.core.NeighbouringRelation}).
 */
public sealed interface PrivacyEvent
    permits GaussianEvent,
        LaplaceEvent,
        EpsilonDeltaEvent,
        ZcdpEvent,
        PoissonSampledEvent,
        SelfComposedEvent,
        ComposedEvent {}

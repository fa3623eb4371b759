/**
 * The privacy-event algebra: immutable, validated descriptions of what a release did, independent
 * of how it is accounted for.
 *
 * <p>Leaves describe one mechanism ({@link org.dp4j.core.event.GaussianEvent}, {@link
 * org.dp4j.core.event.LaplaceEvent}, {@link org.dp4j.core.event.EpsilonDeltaEvent}, {@link
 * org.dp4j.core.event.ZcdpEvent}); combinators describe sampling and composition ({@link
 * org.dp4j.core.event.PoissonSampledEvent}, {@link org.dp4j.core.event.SelfComposedEvent}, {@link
 * org.dp4j.core.event.ComposedEvent}), and every event builds the usual ones by name ({@link
 * org.dp4j.core.event.PrivacyEvent#poissonSampled(double)}, {@link
 * org.dp4j.core.event.PrivacyEvent#repeated(long)}); {@link org.dp4j.core.event.PerRelationEvent}
 * states one release's cost separately for each neighbouring relation ({@link
 * org.dp4j.core.event.PrivacyEvent} says how accountants read each kind under their relation). The
 * design follows Google's {@code dp_accounting} {@code DpEvent} hierarchy. Accountants in {@code
 * org.dp4j.core.accounting} consume events.
 *
 * <p>Code that treats each kind of event differently implements {@link
 * org.dp4j.core.event.EventVisitor}, one method per record, so that the compiler names every such
 * place when an event type is added ({@code docs/accounting.md}, "Adding an event type").
 */
package org.dp4j.core.event;

/**
 * Internals shared between dp4j modules: argument checks, numerically stable special functions, and
 * what every accountant does the same way: {@link org.dp4j.core.internal.AbstractAccountant}
 * (relation, log, resolution and rejection at the entry points), {@link
 * org.dp4j.core.internal.RelationResolution} (per-relation events in an accountant's units) and the
 * folds over an event's compositions ({@link org.dp4j.core.internal.CompositionFold}, {@link
 * org.dp4j.core.internal.ReasonFold}, {@link org.dp4j.core.internal.CompositionWalk}, {@link
 * org.dp4j.core.internal.MechanismCount}). <strong>Not public API</strong>: anything here may
 * change without notice.
 */
package org.dp4j.core.internal;

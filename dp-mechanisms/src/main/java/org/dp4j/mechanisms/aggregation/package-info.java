/**
 * Bounded aggregations: count, sum, mean, variance and quantiles with contribution bounding (each
 * value clamped to caller-given {@link org.dp4j.mechanisms.aggregation.Bounds}), Laplace or
 * Gaussian noise from the floating-point-safe mechanisms, and confidence intervals.
 *
 * <p>Each input value is taken to be one person's only contribution; a caller whose people
 * contribute several values must first limit them to one per person (or scale the budget
 * accordingly). NaN values are ignored and infinities clamped, as in Google's library: throwing on
 * them would reveal that such a record exists. Empty inputs are valid datasets and get a noisy
 * answer.
 *
 * <p>The budget an aggregation is built with is the cost of one release under {@code
 * ADD_OR_REMOVE_ONE}. Each aggregation knows its query, so its {@code event()} is a {@link
 * org.dp4j.core.event.PerRelationEvent} with the exact cost under each relation, computed for all
 * its noisy parts together (the worst simultaneous move of their inputs); under {@code REPLACE_ONE}
 * it can exceed the budget (a sum on {@code [-1, 1]} costs twice its epsilon). Each class documents
 * its derivation.
 */
package org.dp4j.mechanisms.aggregation;

/**
 * Bounded aggregations: count, sum, mean, variance and quantiles with contribution bounding (each
 * value clamped to caller-given {@link org.dp4j.mechanisms.aggregation.Bounds}), Laplace or Gaussian
 * noise from the floating-point-safe mechanisms, and confidence intervals.
 *
 * <p>Each input value is taken to be one person's only contribution, under the add/remove-one
 * neighbouring relation; a caller whose people contribute several values must first limit them to
 * one per person (or scale the budget accordingly). NaN values are ignored and infinities clamped,
 * as in Google's library: throwing on them would reveal that such a record exists. Empty inputs are
 * valid datasets and get a noisy answer.
 */
package org.dp4j.mechanisms.aggregation;

package org.dp4j.spark.internal;

/**
 * The elementary noisy sums a query is built from; every metric is post-processing of some of them
 * (see {@link Part}).
 */
public enum PartKind {
  /** Kept rows per group; a unit adds at most M to each of at most K groups. */
  COUNT,
  /** Kept privacy units per group; a unit adds at most 1 to each of at most K groups. */
  DISTINCT_UNITS,
  /** Sum of values clamped to [L, U]; at most M * max(|L|, |U|) per group. */
  SUM,
  /** Sum of clamped values minus the midpoint (L + U) / 2; at most M * (U - L) / 2 per group. */
  CENTERED_SUM,
  /** Sum of squared centred values; at most M * ((U - L) / 2)^2 per group. */
  CENTERED_SQUARES
}

package org.dp4j.spark.internal;

/** How a released column is computed from the noisy parts. */
public enum OutputKind {
  /** The noisy count of rows. */
  COUNT,
  /** The noisy count of privacy units. */
  DISTINCT_UNITS,
  /** The noisy sum. */
  SUM,
  /** {@code clamp(m + S / max(1, N), L, U)} from the noisy count N and centred sum S. */
  MEAN,
  /** {@code clamp(Q / N - clamp(S / N, -r, r)^2, 0, r^2)} with N at least 1. */
  VARIANCE,
  /** The exponential mechanism's candidate. */
  QUANTILE
}

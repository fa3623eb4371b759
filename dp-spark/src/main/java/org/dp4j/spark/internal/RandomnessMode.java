package org.dp4j.spark.internal;

/** Where a query's randomness comes from. */
public enum RandomnessMode {
  /** Executors' own operating-system entropy for noise; a fresh secret key for bounding. */
  SECURE,
  /** NOT PRIVATE: everything derived from a seed, for reproducible tests. */
  SEEDED,
  /** NOT PRIVATE: seeded bounding and no noise at all, to test bounding and aggregation. */
  SEEDED_WITHOUT_NOISE
}

package org.dp4j.mechanisms.aggregation;

/** Which floating-point-safe noise an aggregation adds. */
public enum NoiseKind {
  /** {@link org.dp4j.mechanisms.LaplaceMechanism}: needs a pure budget (delta = 0). */
  LAPLACE,
  /** {@link org.dp4j.mechanisms.GaussianMechanism}: needs delta &gt; 0; analytic calibration. */
  GAUSSIAN
}

package org.dp4j.mechanisms;

import org.dp4j.core.event.PrivacyEvent;

/**
 * A calibrated additive-noise mechanism for one real-valued query of bounded sensitivity.
 *
 * <p>Each call to {@link #addNoise(double)} is one release and costs {@link #event()}; recording it
 * (in an accountant or a budget filter) is the caller's job unless the mechanism offers a
 * filter-spending release. Implementations are not thread-safe.
 */
public interface NoiseMechanism {

  /**
   * The noisy value: one release.
   *
   * @param value the true value, finite
   * @return the released value
   * @throws IllegalArgumentException when {@code value} is NaN or infinite (nothing is released)
   */
  double addNoise(double value);

  /** The privacy cost of one {@link #addNoise(double)} call. */
  PrivacyEvent event();

  /**
   * An interval around a released value that contains the true value with probability at least
   * {@code confidenceLevel}. Post-processing: it costs no privacy.
   *
   * @param noisyValue a value released by this mechanism, finite
   * @param confidenceLevel in {@code (0, 1)}
   * @return the interval
   */
  ConfidenceInterval confidenceInterval(double noisyValue, double confidenceLevel);
}

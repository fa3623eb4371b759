package org.dp4j.training.noise;

import java.nio.FloatBuffer;

/**
 * Where Gaussian variates come from: adds independent N(0, sd^2) noise, in place, to a range of a
 * float array or of a float buffer (absolute indices; the buffer's position is not moved).
 *
 * <p>Implementations are not required to be thread-safe.
 */
public interface GaussianSource {

  /**
   * Adds noise to {@code values[offset .. offset + length)}.
   *
   * @param values the array
   * @param offset first index
   * @param length how many elements
   * @param standardDeviation finite and {@code >= 0}
   */
  void addGaussian(float[] values, int offset, int length, double standardDeviation);

  /** As {@link #addGaussian(float[], int, int, double)}, for a buffer range. */
  void addGaussian(FloatBuffer values, int offset, int length, double standardDeviation);

  /** As {@link #addGaussian(float[], int, int, double)}, for doubles. */
  void addGaussian(double[] values, int offset, int length, double standardDeviation);

  /** Whether the variates are unpredictable (fit for a private release). */
  boolean isSecure();
}

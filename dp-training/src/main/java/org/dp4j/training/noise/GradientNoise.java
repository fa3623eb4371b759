package org.dp4j.training.noise;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The noise phase of a DP-SGD step: adds independent Gaussian noise to every element of a tensor
 * (the clipped sum), in place.
 *
 * <p>With standard deviation {@code noiseMultiplier * l2Sensitivity} this is the Gaussian mechanism
 * on the clipped sum (Dwork &amp; Roth 2014, Appendix A; Abadi et al. 2016, Algorithm 1).
 */
public interface GradientNoise {

  /**
   * Adds N(0, standardDeviation^2) independently to every element of {@code target}.
   *
   * @param target a floating-point array, modified in place; any layout and data type
   * @param standardDeviation finite and {@code >= 0} (0 adds nothing); NaN rejected
   * @throws IllegalArgumentException for a bad standard deviation or a non-floating array; {@code
   *     target} is unchanged
   */
  void addNoise(INDArray target, double standardDeviation);

  /**
   * {@return whether this noise is fit for a private release} Only {@code false} for the explicitly
   * named, seeded testing modes; a privacy statement built with such noise says so.
   */
  boolean isPrivate();
}

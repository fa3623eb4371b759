package org.dp4j.training.clipping;

import org.dp4j.core.internal.Checks;
import org.dp4j.training.noise.GradientNoise;

/**
 * The clipping phase of a DP-SGD step (Abadi et al. 2016, "Deep Learning with Differential
 * Privacy", Algorithm 1): clips each example's gradient to a bounded L2 norm and sums the results.
 * {@link FlatClipper} and {@link PerLayerClipper} are fixed; {@link AdaptiveClipper} moves its clip
 * norm from step to step, each step's clipper returning the next one from {@link #next}.
 *
 * <p>Implementations are immutable and thread-safe; they never modify their input.
 */
public interface PerExampleClipper {

  /**
   * Clips every example and returns the sum.
   *
   * @param gradients the batch, not null; may be empty
   * @return the clipped sum, with {@link ClippedSum#l2Sensitivity()} equal to {@link
   *     #l2Sensitivity()}
   * @throws IllegalArgumentException when the gradients do not fit this clipper (for example the
   *     block count of a per-layer clipper, or gradients that are not held in memory for one), or a
   *     non-finite example meets {@link NonFiniteGradientPolicy#REJECT_BATCH}
   */
  ClippedSum clipAndSum(ClippableGradients gradients);

  /**
   * {@return the L2 sensitivity of the clipped sum under adding or removing one example: the
   * largest norm of one example's clipped contribution} Replacing one example doubles it;
   * accountants apply that factor (see {@link org.dp4j.core.NeighbouringRelation}).
   */
  double l2Sensitivity();

  /** {@return what this clipper does with non-finite examples} */
  NonFiniteGradientPolicy nonFinitePolicy();

  /**
   * The multiplier of the noise to add to this clipper's sums (standard deviation over {@link
   * #l2Sensitivity()}) when each step is accounted as a Gaussian mechanism with multiplier {@code
   * accountedNoiseMultiplier}. Fixed clippers release nothing else, so it is the accounted
   * multiplier; {@link AdaptiveClipper} also releases a noisy count and needs more.
   *
   * @param accountedNoiseMultiplier the noise multiplier every step is charged at, finite and
   *     {@code >= 0}
   * @return the gradient noise multiplier, at least the accounted one
   * @throws IllegalArgumentException when this clipper cannot be accounted at that multiplier
   */
  default double gradientNoiseMultiplier(double accountedNoiseMultiplier) {
    return Checks.nonNegativeFinite("noiseMultiplier", accountedNoiseMultiplier);
  }

  /**
   * The clipper of the next step, after {@code clipped} was noised. Called once per step, after the
   * noise and before the step is charged; the caller switches to the returned clipper only when the
   * charge succeeds. Whatever it releases (adaptive clipping's noisy count, drawn from {@code
   * noise}) must be covered by the step's privacy event. Fixed clippers return themselves.
   *
   * @param clipped this step's clipped sum (its counts; the sum itself is not read)
   * @param noise the step's noise phase
   * @param expectedBatchSize the expected batch size {@code m} the update is divided by
   * @return the clipper of the next step
   */
  default PerExampleClipper next(
      ClippedSum clipped, GradientNoise noise, double expectedBatchSize) {
    return this;
  }

  /**
   * This clipper as it was when a checkpoint recorded {@code clipNorm} (its {@link
   * #l2Sensitivity()} then). A fixed clipper only accepts its own value; {@link AdaptiveClipper}
   * returns a clipper at that norm.
   *
   * @param clipNorm the checkpoint's clip norm
   * @return the clipper to resume with
   * @throws IllegalArgumentException when this clipper cannot have recorded that norm
   */
  default PerExampleClipper resumedAt(double clipNorm) {
    Checks.require(
        clipNorm == l2Sensitivity(),
        "checkpoint.clipNorm",
        "equal to the config's " + l2Sensitivity(),
        clipNorm);
    return this;
  }
}

package org.dp4j.training.clipping;

/**
 * Clips each example's gradient to a bounded L2 norm and sums the results: the first phase of a
 * DP-SGD step (Abadi et al. 2016, "Deep Learning with Differential Privacy", Algorithm 1).
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
   *     block count of a per-layer clipper), or a non-finite example meets {@link
   *     NonFiniteGradientPolicy#REJECT_BATCH}
   */
  ClippedSum clipAndSum(PerExampleGradients gradients);

  /**
   * The L2 sensitivity of the clipped sum under adding or removing one example: the largest norm of
   * one example's clipped contribution. Replacing one example doubles it; accountants apply that
   * factor (see {@link org.dp4j.core.NeighbouringRelation}).
   */
  double l2Sensitivity();

  /** What this clipper does with non-finite examples. */
  NonFiniteGradientPolicy nonFinitePolicy();
}

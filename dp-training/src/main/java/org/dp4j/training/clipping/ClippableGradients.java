package org.dp4j.training.clipping;

import java.util.OptionalDouble;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-example gradients of one batch as a clipper reads them: first every example's squared L2
 * norm, then the sum of the gradients weighted by per-example factors. {@link PerExampleGradients}
 * holds them in memory; ghost clipping (dp-dl4j) never forms them and computes both from one
 * forward and backward pass (Goodfellow 2015, "Efficient Per-Example Gradient Computations"; Li et
 * al. 2022, §4).
 *
 * <p>Gradients are laid out in the model parameters' flattened order, {@link #parameterCount()}
 * entries per example. A batch may be empty.
 */
public interface ClippableGradients {

  /** {@return the number of examples {@code B}, possibly 0} */
  int batchSize();

  /** {@return the per-example parameter count {@code P}} */
  long parameterCount();

  /**
   * Every example's squared L2 norm over all parameters, computed in double.
   *
   * @return {@link #batchSize()} values, {@code >= 0}, NaN or infinite for an example whose
   *     gradient has a NaN or infinite entry
   */
  double[] squaredNorms();

  /**
   * {@return an upper bound on the number of rounding errors in each of {@link #squaredNorms()}} It
   * feeds the error bound of {@code org.dp4j.training.internal.ClipRule#normUpperBound}: for a sum
   * of squares of floats, the number of terms.
   */
  long squaredNormRoundingTerms();

  /**
   * The sum of the examples' gradients weighted by {@code factors}, {@code sum_i factors[i] g_i}.
   * An example whose factor is 0 contributes exactly zero, even when its gradient is not finite.
   * Clippers call this once per batch, after {@link #squaredNorms()}.
   *
   * @param factors one factor per example, in {@code [0, 1]}; not modified
   * @return a new {@code FLOAT} row vector {@code [1, P]}
   */
  INDArray weightedSum(float[] factors);

  /**
   * {@return the batch's mean loss before the update, when the producer computed it (dp-dl4j does)}
   * It is a <b>non-private diagnostic</b> computed from private data without noise (show it to the
   * data holder only, never publish it). Empty by default and for an empty batch.
   */
  default OptionalDouble meanLoss() {
    return OptionalDouble.empty();
  }
}

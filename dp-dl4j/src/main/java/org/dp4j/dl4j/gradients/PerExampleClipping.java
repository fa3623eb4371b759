package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.internal.Checks;
import org.dp4j.dl4j.validation.LayerValidator;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Computes the flat-clipped sum of a batch's per-example gradients for one network: each example's
 * whole gradient {@code g_i} is scaled by {@code min(1, C / ||g_i||_2)} (Abadi et al. 2016,
 * Algorithm 1) and the results are summed, in the order and layout of {@code params()}.
 *
 * <p>Implementations hold the network; they are not thread-safe.
 */
public interface PerExampleClipping {

  /**
   * Clips and sums one batch at the network's current parameters.
   *
   * @param features the batch's features, leading dimension {@code B >= 0}
   * @param labels the batch's labels, leading dimension {@code B}
   * @param clipNorm the flat clip norm {@code C}, positive and finite
   * @param policy what to do with examples whose norm is NaN or infinite
   * @return the clipped sum (sensitivity {@code C}) and the batch's mean loss
   * @throws IllegalArgumentException for mismatched shapes, a bad clip norm, or a non-finite
   *     example under {@link NonFiniteGradientPolicy#REJECT_BATCH}
   */
  ClippedBatch clipAndSum(
      INDArray features, INDArray labels, double clipNorm, NonFiniteGradientPolicy policy);

  /**
   * The method this instance implements ({@link GradientMethod#GHOST}, {@code LAYERWISE} or {@code
   * BATCH_OF_ONE}).
   */
  GradientMethod method();

  /**
   * The clipping for {@code network}, validated with {@link LayerValidator}.
   *
   * @param network an initialised network
   * @param method {@link GradientMethod#AUTO} picks ghost clipping where supported, else layerwise
   *     clipping where supported, else the batch-of-one loop
   * @return the clipping
   * @throws IllegalArgumentException when the network mixes examples, or {@code GHOST} or {@code
   *     LAYERWISE} is asked for a network it does not support (the message says which layer)
   */
  static PerExampleClipping forNetwork(MultiLayerNetwork network, GradientMethod method) {
    Checks.notNull("network", network);
    Checks.notNull("method", method);
    LayerValidator.validate(network);
    return switch (method) {
      case GHOST, LAYERWISE -> MultiLayerClipping.of(network, method);
      case BATCH_OF_ONE -> new BatchOfOneClipping(network);
      case AUTO ->
          MultiLayerClipping.ifSupported(network, GradientMethod.GHOST)
              .or(() -> MultiLayerClipping.ifSupported(network, GradientMethod.LAYERWISE))
              .orElseGet(() -> new BatchOfOneClipping(network));
    };
  }
}

package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.internal.Checks;
import org.dp4j.dl4j.validation.LayerValidator;
import org.dp4j.training.clipping.ClippableGradients;
import org.dp4j.training.clipping.FlatClipper;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A network's per-example gradients of a batch, in dp-training's clipping vocabulary: {@link
 * #gradients} gives {@link ClippableGradients} that a {@link FlatClipper} (fixed or adaptive) clips
 * into a {@code ClippedSum} laid out as {@code params()}, each example's whole gradient {@code g_i}
 * scaled by {@code min(1, C / ||g_i||_2)} (Abadi et al. 2016, Algorithm 1). Ghost and layerwise
 * clipping never form the per-example gradients; the batch-of-one loop does.
 *
 * <p>Implementations hold the network; they are not thread-safe.
 */
public interface NetworkGradients {

  /**
   * The per-example gradients of one batch at the network's current parameters, with the batch's
   * mean loss (a non-private diagnostic, {@link ClippableGradients#meanLoss()}).
   *
   * @param features the batch's features, leading dimension {@code B >= 0}
   * @param labels the batch's labels, leading dimension {@code B}
   * @return the gradients, to be clipped once
   * @throws IllegalArgumentException for mismatched shapes
   */
  default ClippableGradients gradients(INDArray features, INDArray labels) {
    return gradients(features, labels, null, null);
  }

  /**
   * The per-example gradients of one batch of possibly masked sequences, as {@link
   * #gradients(INDArray, INDArray)}: the masks are DL4J's ({@code DataSet.getFeaturesMaskArray()}
   * and {@code getLabelsMaskArray()}), one row per example; masked time steps contribute nothing.
   *
   * @param features the batch's features, leading dimension {@code B >= 0}
   * @param labels the batch's labels, leading dimension {@code B}
   * @param featuresMask the per-time-step features mask {@code [B, T]} (1 present, 0 padding), or
   *     null
   * @param labelsMask the labels mask (for sequence outputs {@code [B, T]}), or null
   * @return the gradients, to be clipped once
   * @throws IllegalArgumentException for mismatched shapes, or a mask given to a network whose
   *     layers read no sequences
   */
  ClippableGradients gradients(
      INDArray features, INDArray labels, INDArray featuresMask, INDArray labelsMask);

  /**
   * {@return the method this instance implements ({@link GradientMethod#GHOST}, {@code LAYERWISE}
   * or {@code BATCH_OF_ONE})}
   */
  GradientMethod method();

  /**
   * The gradients of {@code network}, validated with {@link LayerValidator}.
   *
   * @param network an initialised network
   * @param method {@link GradientMethod#AUTO} picks ghost clipping where supported, else layerwise
   *     clipping where supported, else the batch-of-one loop
   * @return the per-example gradients of the network's batches
   * @throws IllegalArgumentException when the network mixes examples, or {@code GHOST} or {@code
   *     LAYERWISE} is asked for a network it does not support (the message says which layer)
   */
  static NetworkGradients forNetwork(MultiLayerNetwork network, GradientMethod method) {
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

  /**
   * The gradients of {@code graph}, a {@code ComputationGraph} with one input and one output,
   * validated with {@link LayerValidator}: its vertices are walked in topological order with the
   * same layer rules as {@link #forNetwork}, plus rules for the vertices without parameters that do
   * not mix examples (merge, element-wise, subset, preprocessor, scale, shift, L2 normalize).
   *
   * @param graph an initialised graph with one input and one output
   * @param method {@link GradientMethod#AUTO} picks ghost clipping where supported, else layerwise
   *     clipping where supported, else the batch-of-one loop
   * @return the per-example gradients of the graph's batches
   * @throws IllegalArgumentException when the graph is not initialised, has several inputs or
   *     outputs, mixes examples, or {@code GHOST} or {@code LAYERWISE} is asked for a graph it does
   *     not support (the message says which vertex)
   */
  static NetworkGradients forGraph(ComputationGraph graph, GradientMethod method) {
    GraphClipping.checkShape(graph);
    Checks.notNull("method", method);
    LayerValidator.validate(graph);
    return switch (method) {
      case GHOST, LAYERWISE -> GraphClipping.of(graph, method);
      case BATCH_OF_ONE -> new BatchOfOneClipping(graph);
      case AUTO ->
          GraphClipping.ifSupported(graph, GradientMethod.GHOST)
              .or(() -> GraphClipping.ifSupported(graph, GradientMethod.LAYERWISE))
              .orElseGet(() -> new BatchOfOneClipping(graph));
    };
  }
}

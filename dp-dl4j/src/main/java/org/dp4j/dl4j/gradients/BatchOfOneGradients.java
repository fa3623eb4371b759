package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.internal.Checks;
import org.dp4j.training.internal.ExampleRows;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact per-example gradients for any {@link MultiLayerNetwork}, by running DL4J's backward pass
 * once per example (a batch of one). Correct for every layer that does not mix examples (see {@link
 * org.dp4j.dl4j.validation.LayerValidator}), but slow: {@code B} forward and backward passes and a
 * {@code [B, P]} matrix per batch. Use {@link GradientMethod#GHOST} or {@link
 * GradientMethod#LAYERWISE} where they apply.
 *
 * <p>Row {@code i} is the gradient of example {@code i}'s loss (DL4J's batch gradient is the sum of
 * these; nothing is divided by the batch size) in the order and layout of {@link
 * MultiLayerNetwork#params()} (DL4J stores weight matrices in {@code 'f'} order there).
 * Regularization is not included (the validator rejects it).
 *
 * <p>Changes the network's input, labels and gradient fields (not its parameters). Not thread-safe
 * with respect to the network.
 */
public final class BatchOfOneGradients {

  private BatchOfOneGradients() {}

  /**
   * The per-example gradients of a batch.
   *
   * @param network the initialised network
   * @param features the batch's features, leading dimension {@code B}
   * @param labels the batch's labels, leading dimension {@code B}
   * @return a {@code FLOAT} matrix {@code [B, P]}, {@code P = network.numParams()}
   * @throws IllegalArgumentException when the leading dimensions differ
   */
  public static INDArray perExampleGradients(
      MultiLayerNetwork network, INDArray features, INDArray labels) {
    return perExampleGradients(network, features, labels, null);
  }

  /**
   * The per-example gradients of a batch of possibly masked sequences: each example runs with its
   * own row of each mask ({@code MultiLayerNetwork.setLayerMaskArrays}).
   *
   * @param network the initialised network
   * @param features the batch's features, leading dimension {@code B}
   * @param labels the batch's labels, leading dimension {@code B}
   * @param featuresMask the features mask {@code [B, T]}, or null
   * @param labelsMask the labels mask, or null
   * @return a {@code FLOAT} matrix {@code [B, P]}
   * @throws IllegalArgumentException when the leading dimensions differ
   */
  public static INDArray perExampleGradients(
      MultiLayerNetwork network,
      INDArray features,
      INDArray labels,
      INDArray featuresMask,
      INDArray labelsMask) {
    return perExampleGradients(
        network, new Batch(features, labels, featuresMask, labelsMask), null);
  }

  /** As the public method; fills {@code losses[i]} with example i's loss when not null. */
  static INDArray perExampleGradients(
      MultiLayerNetwork network, INDArray features, INDArray labels, double[] losses) {
    return perExampleGradients(network, new Batch(features, labels, null, null), losses);
  }

  /** As the public method; fills {@code losses[i]} with example i's loss when not null. */
  static INDArray perExampleGradients(MultiLayerNetwork network, Batch batch, double[] losses) {
    Checks.notNull("network", network);
    long size = batch.size();
    long parameters = network.numParams();
    INDArray out = Nd4j.create(DataType.FLOAT, size, parameters);
    boolean masked = batch.featuresMask() != null || batch.labelsMask() != null;
    for (long i = 0; i < size; i++) {
      network.setInput(row(batch.features(), i));
      network.setLabels(row(batch.labels(), i));
      if (masked) {
        network.setLayerMaskArrays(
            batch.featuresMask() == null ? null : row(batch.featuresMask(), i),
            batch.labelsMask() == null ? null : row(batch.labelsMask(), i));
      }
      network.computeGradientAndScore();
      if (losses != null) {
        losses[(int) i] = network.score();
      }
      INDArray gradient = network.gradient().gradient();
      out.getRow(i).assign(gradient.ravel().castTo(DataType.FLOAT));
    }
    if (masked) {
      network.clearLayerMaskArrays();
    }
    return out;
  }

  /**
   * The per-example gradients of a batch through a {@link ComputationGraph} with one input and one
   * output, in the order and layout of {@link ComputationGraph#params()}.
   *
   * @param graph the initialised graph
   * @param features the batch's features, leading dimension {@code B}
   * @param labels the batch's labels, leading dimension {@code B}
   * @return a {@code FLOAT} matrix {@code [B, P]}, {@code P = graph.numParams()}
   * @throws IllegalArgumentException when the leading dimensions differ or the graph has several
   *     inputs or outputs
   */
  public static INDArray perExampleGradients(
      ComputationGraph graph, INDArray features, INDArray labels) {
    return perExampleGradients(graph, features, labels, null);
  }

  /**
   * The per-example gradients of a batch of possibly masked sequences through a graph with one
   * input and one output: each example runs with its own row of each mask ({@code
   * ComputationGraph.setLayerMaskArrays}).
   *
   * @param graph the initialised graph
   * @param features the batch's features, leading dimension {@code B}
   * @param labels the batch's labels, leading dimension {@code B}
   * @param featuresMask the features mask {@code [B, T]}, or null
   * @param labelsMask the labels mask, or null
   * @return a {@code FLOAT} matrix {@code [B, P]}
   * @throws IllegalArgumentException when the leading dimensions differ or the graph has several
   *     inputs or outputs
   */
  public static INDArray perExampleGradients(
      ComputationGraph graph,
      INDArray features,
      INDArray labels,
      INDArray featuresMask,
      INDArray labelsMask) {
    return perExampleGradients(graph, new Batch(features, labels, featuresMask, labelsMask), null);
  }

  /** As the public method; fills {@code losses[i]} with example i's loss when not null. */
  static INDArray perExampleGradients(
      ComputationGraph graph, INDArray features, INDArray labels, double[] losses) {
    return perExampleGradients(graph, new Batch(features, labels, null, null), losses);
  }

  /** As the public method; fills {@code losses[i]} with example i's loss when not null. */
  static INDArray perExampleGradients(ComputationGraph graph, Batch batch, double[] losses) {
    GraphClipping.checkShape(graph);
    long size = batch.size();
    INDArray out = Nd4j.create(DataType.FLOAT, size, graph.numParams());
    boolean masked = batch.featuresMask() != null || batch.labelsMask() != null;
    for (long i = 0; i < size; i++) {
      graph.setInputs(row(batch.features(), i));
      graph.setLabels(row(batch.labels(), i));
      if (masked) {
        graph.setLayerMaskArrays(
            batch.featuresMask() == null ? null : new INDArray[] {row(batch.featuresMask(), i)},
            batch.labelsMask() == null ? null : new INDArray[] {row(batch.labelsMask(), i)});
      }
      graph.computeGradientAndScore();
      if (losses != null) {
        losses[(int) i] = graph.score();
      }
      out.getRow(i).assign(graph.gradient().gradient().ravel().castTo(DataType.FLOAT));
    }
    if (masked) {
      graph.clearLayerMaskArrays();
    }
    return out;
  }

  /** Example {@code i} as a batch of one, keeping the other dimensions. */
  static INDArray row(INDArray array, long i) {
    return ExampleRows.single(array, i);
  }
}

package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import java.util.OptionalDouble;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.internal.Checks;
import org.dp4j.training.clipping.ClippableGradients;
import org.dp4j.training.clipping.PerExampleGradients;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Exact per-example gradients from the batch-of-one loop ({@link BatchOfOneGradients}), held in
 * memory as dp-training's {@link PerExampleGradients}. Works for every layer that does not mix
 * examples; slow (one forward and backward pass per example). For a {@code MultiLayerNetwork} or a
 * {@code ComputationGraph} with one input and one output. Not thread-safe.
 */
final class BatchOfOneClipping implements NetworkGradients {

  /** The loop of one network kind: the {@code [B, P]} gradients, each example's loss. */
  private interface Loop {
    INDArray perExampleGradients(Batch batch, double[] losses);
  }

  private final Loop loop;

  BatchOfOneClipping(MultiLayerNetwork network) {
    Checks.notNull("network", network);
    this.loop = (batch, losses) -> BatchOfOneGradients.perExampleGradients(network, batch, losses);
  }

  BatchOfOneClipping(ComputationGraph graph) {
    Checks.notNull("graph", graph);
    this.loop = (batch, losses) -> BatchOfOneGradients.perExampleGradients(graph, batch, losses);
  }

  @Override
  public ClippableGradients gradients(
      INDArray features, INDArray labels, INDArray featuresMask, INDArray labelsMask) {
    Batch batch = new Batch(features, labels, featuresMask, labelsMask);
    double[] losses = new double[batch.size()];
    INDArray matrix = loop.perExampleGradients(batch, losses);
    PerExampleGradients gradients = PerExampleGradients.ofMatrix(matrix);
    OptionalDouble loss = Arrays.stream(losses).average();
    return new ClippableGradients() {
      @Override
      public int batchSize() {
        return gradients.batchSize();
      }

      @Override
      public long parameterCount() {
        return gradients.parameterCount();
      }

      @Override
      public double[] squaredNorms() {
        return gradients.squaredNorms();
      }

      @Override
      public long squaredNormRoundingTerms() {
        return gradients.squaredNormRoundingTerms();
      }

      @Override
      public INDArray weightedSum(float[] factors) {
        return gradients.weightedSum(factors);
      }

      @Override
      public OptionalDouble meanLoss() {
        return loss;
      }
    };
  }

  @Override
  public GradientMethod method() {
    return GradientMethod.BATCH_OF_ONE;
  }
}

package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.internal.Checks;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.dp4j.training.clipping.PerExampleGradients;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Flat clipping from exact per-example gradients ({@link BatchOfOneGradients}) and dp-training's
 * {@link FlatClipper}. Works for every layer that does not mix examples; slow (one forward and
 * backward pass per example). Not thread-safe.
 */
final class BatchOfOneClipping implements PerExampleClipping {

  private final MultiLayerNetwork network;

  BatchOfOneClipping(MultiLayerNetwork network) {
    this.network = Checks.notNull("network", network);
  }

  @Override
  public ClippedBatch clipAndSum(
      INDArray features, INDArray labels, double clipNorm, NonFiniteGradientPolicy policy) {
    FlatClipper clipper = FlatClipper.of(clipNorm, policy);
    double[] losses = new double[(int) Math.min(Integer.MAX_VALUE, features.size(0))];
    INDArray gradients = BatchOfOneGradients.perExampleGradients(network, features, labels, losses);
    ClippedSum sum = clipper.clipAndSum(PerExampleGradients.ofMatrix(gradients));
    double loss =
        losses.length == 0
            ? Double.NaN
            : java.util.Arrays.stream(losses).average().orElse(Double.NaN);
    return new ClippedBatch(sum, loss);
  }

  @Override
  public GradientMethod method() {
    return GradientMethod.BATCH_OF_ONE;
  }
}

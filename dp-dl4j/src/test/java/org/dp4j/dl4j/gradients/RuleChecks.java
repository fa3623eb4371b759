package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.dp4j.training.clipping.PerExampleGradients;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The checks every {@link LayerRule} passes against the exact batch-of-one loop ({@link
 * BatchOfOneGradients}): its own share of each example's squared norm, and the whole network's
 * norms and clipped sums.
 */
final class RuleChecks {

  /** Float forward/backward passes differ in summation order only: far below this. */
  static final double RELATIVE_TOLERANCE = 1e-4;

  private RuleChecks() {}

  /**
   * The rule of each of {@code layers} adds to example {@code i}'s squared norm the squared norm of
   * that layer's block of example {@code i}'s gradient (zero for a layer without parameters),
   * within {@link #RELATIVE_TOLERANCE} relative; and the whole network agrees with the loop ({@link
   * #assertEqualsBatchOfOne}).
   */
  static void assertRulesEqualBatchOfOne(
      MultiLayerNetwork network, GradientMethod method, INDArray x, INDArray y, int... layers) {
    int batch = (int) x.size(0);
    INDArray exact = BatchOfOneGradients.perExampleGradients(network, x, y);
    MultiLayerClipping.Backward pass = MultiLayerClipping.of(network, method).backward(x, y);
    for (int layer : layers) {
      double[] expected = new double[batch]; // zero for a layer without parameters
      long length = network.getLayer(layer).numParams();
      if (length > 0) {
        long start = network.getLayer(layer).params().offset() - network.params().offset();
        INDArray block =
            exact
                .get(NDArrayIndex.all(), NDArrayIndex.interval(start, start + length))
                .castTo(DataType.DOUBLE);
        expected = block.mul(block).sum(1).toDoubleVector();
      }
      double[] actual = new double[batch];
      pass.passes().get(ruleIndex(network, layer)).addSquaredNorms(actual);
      for (int i = 0; i < batch; i++) {
        assertEquals(
            expected[i],
            actual[i],
            RELATIVE_TOLERANCE * expected[i],
            "layer " + layer + ", squared norm of example " + i);
      }
    }
    assertEqualsBatchOfOne(network, method, x, y);
  }

  /** Norms and clipped sums (clip norms below, inside and above the norms) match the loop. */
  static void assertEqualsBatchOfOne(
      MultiLayerNetwork network, GradientMethod method, INDArray x, INDArray y) {
    int batch = (int) x.size(0);
    MultiLayerClipping clipping = MultiLayerClipping.of(network, method);
    INDArray exact = BatchOfOneGradients.perExampleGradients(network, x, y);
    double[] norms = clipping.perExampleNorms(x, y);
    double[] exactNorms = new double[batch];
    for (int i = 0; i < batch; i++) {
      INDArray row = exact.getRow(i).castTo(DataType.DOUBLE);
      exactNorms[i] = Math.sqrt(row.mul(row).sumNumber().doubleValue());
      assertTrue(exactNorms[i] > 0, "example " + i + " has a zero gradient");
      assertEquals(
          exactNorms[i], norms[i], RELATIVE_TOLERANCE * exactNorms[i], "norm of example " + i);
    }
    double[] sorted = exactNorms.clone();
    Arrays.sort(sorted);
    double median =
        batch == 1 ? sorted[0] : Math.sqrt(sorted[(batch - 1) / 2] * sorted[(batch - 1) / 2 + 1]);
    double[] clipNorms =
        batch == 1
            ? new double[] {sorted[0] / 3, sorted[0] * 2}
            : new double[] {sorted[0] / 3, median, sorted[batch - 1] * 2};
    for (double clipNorm : clipNorms) {
      ClippedSum expected =
          FlatClipper.of(clipNorm).clipAndSum(PerExampleGradients.ofMatrix(exact));
      ClippedSum actual = clip(clipping, x, y, clipNorm, NonFiniteGradientPolicy.SKIP_EXAMPLE);
      TestNetworks.assertSumsClose(expected.sum(), actual.sum(), clipNorm, RELATIVE_TOLERANCE);
      assertEquals(expected.clippedCount(), actual.clippedCount(), "clipped");
      assertEquals(expected.withinNormCount(), actual.withinNormCount(), "within");
      assertEquals(clipNorm, actual.l2Sensitivity());
    }
  }

  /** The engine's rule index of a layer: its preprocessor, if any, comes just before it. */
  private static int ruleIndex(MultiLayerNetwork network, int layer) {
    int index = layer;
    for (int j = 0; j <= layer; j++) {
      if (network.getLayerWiseConfigurations().getInputPreProcess(j) != null) {
        index++;
      }
    }
    return index;
  }

  /**
   * Clips a batch as the trainer does: dp-training's flat clipper over the network's per-example
   * gradients.
   */
  static ClippedSum clip(
      NetworkGradients gradients,
      INDArray features,
      INDArray labels,
      double clipNorm,
      NonFiniteGradientPolicy policy) {
    return FlatClipper.of(clipNorm, policy).clipAndSum(gradients.gradients(features, labels));
  }
}

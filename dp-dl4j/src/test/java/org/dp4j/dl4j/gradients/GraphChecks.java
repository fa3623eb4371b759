package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.clipping.PerExampleGradients;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The checks of {@link RuleChecks} for a {@link ComputationGraph}: {@link GraphClipping}'s norms
 * and clipped sums against the exact batch-of-one loop of the graph.
 */
final class GraphChecks {

  private GraphChecks() {}

  /**
   * Norms and clipped sums (clip norms below, inside and above the norms) match the loop within
   * {@link RuleChecks#RELATIVE_TOLERANCE}, as do the plain gradient sum and the mean loss.
   */
  static void assertEqualsBatchOfOne(
      ComputationGraph graph, GradientMethod method, INDArray x, INDArray y) {
    assertEqualsBatchOfOne(graph, method, new Batch(x, y, null, null));
  }

  /** As {@link #assertEqualsBatchOfOne(ComputationGraph, GradientMethod, INDArray, INDArray)}. */
  static void assertEqualsBatchOfOne(ComputationGraph graph, GradientMethod method, Batch data) {
    int batch = data.size();
    INDArray x = data.features();
    INDArray y = data.labels();
    GraphClipping clipping = GraphClipping.of(graph, method);
    double[] losses = new double[batch];
    INDArray exact = BatchOfOneGradients.perExampleGradients(graph, data, losses);
    double[] norms = clipping.perExampleNorms(data);
    double[] exactNorms = new double[batch];
    for (int i = 0; i < batch; i++) {
      INDArray row = exact.getRow(i).castTo(DataType.DOUBLE);
      exactNorms[i] = Math.sqrt(row.mul(row).sumNumber().doubleValue());
      assertTrue(exactNorms[i] > 0, "example " + i + " has a zero gradient");
      assertEquals(
          exactNorms[i],
          norms[i],
          RuleChecks.RELATIVE_TOLERANCE * exactNorms[i],
          "norm of example " + i);
    }
    double[] sorted = exactNorms.clone();
    Arrays.sort(sorted);
    double median = Math.sqrt(sorted[(batch - 1) / 2] * sorted[batch / 2]);
    for (double clipNorm : new double[] {sorted[0] / 3, median, sorted[batch - 1] * 2}) {
      ClippedSum expected =
          FlatClipper.of(clipNorm).clipAndSum(PerExampleGradients.ofMatrix(exact));
      ClippedSum actual =
          FlatClipper.of(clipNorm)
              .clipAndSum(clipping.gradients(x, y, data.featuresMask(), data.labelsMask()));
      TestNetworks.assertSumsClose(
          expected.sum(), actual.sum(), clipNorm, RuleChecks.RELATIVE_TOLERANCE);
      assertEquals(expected.clippedCount(), actual.clippedCount(), "clipped");
      assertEquals(expected.withinNormCount(), actual.withinNormCount(), "within");
    }
    MultiLayerClipping.GradientSum plain = clipping.gradientSum(data);
    TestNetworks.assertSumsClose(
        exact.sum(0).reshape(1, exact.size(1)), plain.sum(), 1, RuleChecks.RELATIVE_TOLERANCE);
    double meanLoss = Arrays.stream(losses).average().orElseThrow();
    assertEquals(meanLoss, plain.meanLoss(), RuleChecks.RELATIVE_TOLERANCE * meanLoss, "loss");
  }
}

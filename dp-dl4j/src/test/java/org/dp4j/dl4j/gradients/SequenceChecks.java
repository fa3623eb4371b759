package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.dp4j.training.clipping.PerExampleGradients;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link RuleChecks} for sequence batches with masks: each rule's share of the squared norms, and
 * the whole network's norms and clipped sums (clip norms below, inside and above the norms),
 * against the batch-of-one loop with each example's own mask rows, within {@link
 * RuleChecks#RELATIVE_TOLERANCE} relative. Also seeded sequence data.
 */
final class SequenceChecks {

  private SequenceChecks() {}

  /** The rules of {@code layers} and the whole network agree with the loop on a masked batch. */
  static void assertRulesEqualBatchOfOne(
      MultiLayerNetwork network, GradientMethod method, Batch batch, int... layers) {
    int size = batch.size();
    INDArray exact = exact(network, batch);
    MultiLayerClipping.Backward pass = MultiLayerClipping.of(network, method).backward(batch);
    for (int layer : layers) {
      double[] expected = new double[size];
      long length = network.getLayer(layer).numParams();
      if (length > 0) {
        long start = network.getLayer(layer).params().offset() - network.params().offset();
        INDArray block =
            exact
                .get(NDArrayIndex.all(), NDArrayIndex.interval(start, start + length))
                .castTo(DataType.DOUBLE);
        expected = block.mul(block).sum(1).toDoubleVector();
      }
      double[] actual = new double[size];
      pass.passes().get(ruleIndex(network, layer)).addSquaredNorms(actual);
      for (int i = 0; i < size; i++) {
        assertEquals(
            expected[i],
            actual[i],
            RuleChecks.RELATIVE_TOLERANCE * expected[i],
            "layer " + layer + ", squared norm of example " + i);
      }
    }
    assertEqualsBatchOfOne(network, method, batch);
  }

  /** Norms and clipped sums of a masked batch match the loop. */
  static void assertEqualsBatchOfOne(MultiLayerNetwork network, GradientMethod method, Batch b) {
    int size = b.size();
    MultiLayerClipping clipping = MultiLayerClipping.of(network, method);
    INDArray exact = exact(network, b);
    double[] norms =
        clipping.perExampleNorms(b.features(), b.labels(), b.featuresMask(), b.labelsMask());
    double[] exactNorms = new double[size];
    for (int i = 0; i < size; i++) {
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
    // Between two neighbouring norms, never at one (a clip norm equal to a norm is a tie).
    double median = Math.sqrt(sorted[(size - 1) / 2] * sorted[(size - 1) / 2 + 1]);
    for (double clipNorm : new double[] {sorted[0] / 3, median, sorted[size - 1] * 2}) {
      ClippedSum expected =
          FlatClipper.of(clipNorm).clipAndSum(PerExampleGradients.ofMatrix(exact));
      ClippedSum actual =
          FlatClipper.of(clipNorm, NonFiniteGradientPolicy.SKIP_EXAMPLE)
              .clipAndSum(
                  clipping.gradients(b.features(), b.labels(), b.featuresMask(), b.labelsMask()));
      TestNetworks.assertSumsClose(
          expected.sum(), actual.sum(), clipNorm, RuleChecks.RELATIVE_TOLERANCE);
      assertEquals(expected.clippedCount(), actual.clippedCount(), "clipped");
      assertEquals(expected.withinNormCount(), actual.withinNormCount(), "within");
    }
  }

  private static INDArray exact(MultiLayerNetwork network, Batch b) {
    return BatchOfOneGradients.perExampleGradients(
        network, b.features(), b.labels(), b.featuresMask(), b.labelsMask());
  }

  private static int ruleIndex(MultiLayerNetwork network, int layer) {
    int index = layer;
    for (int j = 0; j <= layer; j++) {
      if (network.getLayerWiseConfigurations().getInputPreProcess(j) != null) {
        index++;
      }
    }
    return index;
  }

  /** Seeded N(0, 1) sequences {@code [B, C, T]}. */
  static INDArray sequences(long seed, int batch, int channels, int steps) {
    return TestNetworks.gaussian(seed, batch, channels * steps, 1.0)
        .reshape('c', batch, channels, steps)
        .dup('c');
  }

  /** Seeded one-hot labels {@code [B, classes, T]}, one class per step. */
  static INDArray stepLabels(long seed, int batch, int classes, int steps) {
    SplittableRandom random = new SplittableRandom(seed);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, classes, steps);
    for (int i = 0; i < batch; i++) {
      for (int t = 0; t < steps; t++) {
        labels.putScalar(new long[] {i, random.nextInt(classes), t}, 1.0);
      }
    }
    return labels;
  }

  /** Seeded indices {@code [B, T]} in {@code [0, vocabulary)}. */
  static INDArray indices(long seed, int batch, int steps, int vocabulary) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] ids = new float[batch][steps];
    for (float[] row : ids) {
      for (int t = 0; t < steps; t++) {
        row[t] = random.nextInt(vocabulary);
      }
    }
    return Nd4j.createFromArray(ids);
  }

  /** The mask {@code [B, T]} of sequences of the given lengths (the first steps present). */
  static INDArray lengths(int steps, int... lengths) {
    INDArray mask = Nd4j.zeros(DataType.FLOAT, lengths.length, steps);
    for (int i = 0; i < lengths.length; i++) {
      for (int t = 0; t < lengths[i]; t++) {
        mask.putScalar(i, t, 1.0);
      }
    }
    return mask;
  }
}

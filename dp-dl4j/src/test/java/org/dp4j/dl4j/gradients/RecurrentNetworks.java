package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.dp4j.training.clipping.PerExampleGradients;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** Small recurrent networks, sequences and masks for the recurrent rules' tests. */
final class RecurrentNetworks {

  private RecurrentNetworks() {}

  /** The recurrent layer types under test. */
  enum Cell {
    LSTM,
    GRAVES_LSTM,
    SIMPLE_RNN;

    /** A layer {@code nIn -> nOut} of this type. */
    Layer layer(int nIn, int nOut, Activation activation, Activation gate) {
      return switch (this) {
        case LSTM ->
            new LSTM.Builder()
                .nIn(nIn)
                .nOut(nOut)
                .activation(activation)
                .gateActivationFunction(gate)
                .build();
        case GRAVES_LSTM ->
            new GravesLSTM.Builder()
                .nIn(nIn)
                .nOut(nOut)
                .activation(activation)
                .gateActivationFunction(gate)
                .build();
        case SIMPLE_RNN ->
            new SimpleRnn.Builder().nIn(nIn).nOut(nOut).activation(activation).build();
      };
    }
  }

  /** A seeded network of {@code layers} followed by a softmax OutputLayer {@code nIn -> 3}. */
  static MultiLayerNetwork withSoftmaxHead(long seed, int nIn, Layer... layers) {
    NeuralNetConfiguration.ListBuilder list = TestNetworks.builder(seed);
    for (int i = 0; i < layers.length; i++) {
      list.layer(i, layers[i]);
    }
    list.layer(
        layers.length,
        new OutputLayer.Builder(LossFunction.MCXENT)
            .nIn(nIn)
            .nOut(3)
            .activation(Activation.SOFTMAX)
            .build());
    return TestNetworks.build(list, seed);
  }

  /** Seeded {@code [B, C, T]} N(0, 1) sequences. */
  static INDArray sequences(long seed, int batch, int channels, int time) {
    return TestNetworks.gaussian(seed, batch, channels * time, 1.0)
        .reshape('c', batch, channels, time);
  }

  /** Seeded one-hot labels for 3 classes. */
  static INDArray labels(long seed, int batch) {
    return TestNetworks.labels(seed, batch, 3, Head.SOFTMAX_MCXENT);
  }

  /** A {@code [B, T]} mask whose example i has its first {@code lengths[i]} steps present. */
  static INDArray trailingPadding(int time, int... lengths) {
    float[][] mask = new float[lengths.length][time];
    for (int i = 0; i < lengths.length; i++) {
      for (int t = 0; t < lengths[i]; t++) {
        mask[i][t] = 1f;
      }
    }
    return Nd4j.createFromArray(mask);
  }

  /**
   * The engine's plain gradient sum equals DL4J's own gradient of the whole batch ({@code
   * computeGradientAndScore}), within {@code relativeTolerance} of its largest entry.
   */
  static void assertGradientSumEqualsDl4j(
      MultiLayerNetwork network,
      INDArray x,
      INDArray y,
      INDArray featuresMask,
      INDArray labelsMask,
      double relativeTolerance) {
    MultiLayerClipping clipping = MultiLayerClipping.of(network, GradientMethod.LAYERWISE);
    INDArray ours = clipping.gradientSum(new Batch(x, y, featuresMask, labelsMask)).sum();
    network.setInput(x);
    network.setLabels(y);
    network.setLayerMaskArrays(featuresMask, labelsMask);
    network.computeGradientAndScore();
    INDArray theirs = network.gradient().gradient().dup().reshape(1, -1).castTo(DataType.FLOAT);
    network.clearLayerMaskArrays();
    assertEquals(theirs.length(), ours.length(), "length");
    TestNetworks.assertSumsClose(theirs, ours, 1.0, relativeTolerance);
  }

  /**
   * As {@link RuleChecks#assertRulesEqualBatchOfOne}, with masks: each of {@code layers} adds the
   * squared norm of its block of each example's gradient, and the network's norms and clipped sums
   * (clip norms below, inside and above the norms) match the batch-of-one loop, within {@link
   * RuleChecks#RELATIVE_TOLERANCE}.
   */
  static void assertEqualsBatchOfOne(
      MultiLayerNetwork network,
      GradientMethod method,
      INDArray x,
      INDArray y,
      INDArray featuresMask,
      int... layers) {
    double tolerance = RuleChecks.RELATIVE_TOLERANCE;
    int batch = (int) x.size(0);
    INDArray exact = BatchOfOneGradients.perExampleGradients(network, x, y, featuresMask, null);
    MultiLayerClipping clipping = MultiLayerClipping.of(network, method);
    MultiLayerClipping.Backward pass = clipping.backward(new Batch(x, y, featuresMask, null));
    for (int layer : layers) {
      long length = network.getLayer(layer).numParams();
      long start = network.getLayer(layer).params().offset() - network.params().offset();
      INDArray block =
          exact
              .get(NDArrayIndex.all(), NDArrayIndex.interval(start, start + length))
              .castTo(DataType.DOUBLE);
      double[] expected = block.mul(block).sum(1).toDoubleVector();
      double[] actual = new double[batch];
      pass.passes().get(layer).addSquaredNorms(actual);
      for (int i = 0; i < batch; i++) {
        assertEquals(
            expected[i],
            actual[i],
            tolerance * expected[i],
            "layer " + layer + ", squared norm of example " + i);
      }
    }
    double[] norms = clipping.perExampleNorms(x, y, featuresMask, null);
    double[] exactNorms = new double[batch];
    for (int i = 0; i < batch; i++) {
      INDArray row = exact.getRow(i).castTo(DataType.DOUBLE);
      exactNorms[i] = Math.sqrt(row.mul(row).sumNumber().doubleValue());
      assertTrue(exactNorms[i] > 0, "example " + i + " has a zero gradient");
      assertEquals(exactNorms[i], norms[i], tolerance * exactNorms[i], "norm of example " + i);
    }
    double[] sorted = exactNorms.clone();
    Arrays.sort(sorted);
    double median = Math.sqrt(sorted[(batch - 1) / 2] * sorted[(batch - 1) / 2 + 1]);
    for (double clipNorm : new double[] {sorted[0] / 3, median, sorted[batch - 1] * 2}) {
      ClippedSum expected =
          FlatClipper.of(clipNorm).clipAndSum(PerExampleGradients.ofMatrix(exact));
      ClippedSum actual =
          FlatClipper.of(clipNorm, NonFiniteGradientPolicy.SKIP_EXAMPLE)
              .clipAndSum(clipping.gradients(x, y, featuresMask, null));
      TestNetworks.assertSumsClose(expected.sum(), actual.sum(), clipNorm, tolerance);
      assertEquals(expected.clippedCount(), actual.clippedCount(), "clipped");
      assertEquals(expected.withinNormCount(), actual.withinNormCount(), "within");
    }
  }
}

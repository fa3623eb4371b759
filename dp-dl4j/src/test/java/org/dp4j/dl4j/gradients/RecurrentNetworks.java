package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
    return TestNetworks.gaussian(seed, batch, channels * time, 1.0).reshape('c', batch, channels, time);
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
    INDArray ours = clipping.gradientSum(x, y).sum();
    network.setInput(x);
    network.setLabels(y);
    network.setLayerMaskArrays(featuresMask, labelsMask);
    network.computeGradientAndScore();
    INDArray theirs = network.gradient().gradient().dup().reshape(1, -1).castTo(DataType.FLOAT);
    network.clearLayerMaskArrays();
    assertEquals(theirs.length(), ours.length(), "length");
    TestNetworks.assertSumsClose(theirs, ours, 1.0, relativeTolerance);
  }
}

package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional.Mode;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.layers.util.MaskZeroLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.gradients.RecurrentNetworks.Cell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link BidirectionalRule} and {@link MaskZeroRule} against DL4J's batch gradient and the
 * batch-of-one loop, with and without masks, and the refusals of recurrent settings the rules do
 * not implement.
 */
class BidirectionalRuleTest {

  @ParameterizedTest(name = "{0} of {1}, masked {2}")
  @CsvSource({
    "CONCAT, LSTM, false",
    "CONCAT, LSTM, true",
    "ADD, GRAVES_LSTM, true",
    "MUL, SIMPLE_RNN, true",
    "AVERAGE, LSTM, true",
    "CONCAT, SIMPLE_RNN, false"
  })
  void bidirectionalUnderLastTimeStepEqualsTheBatchOfOneLoop(Mode mode, Cell cell, boolean masked) {
    long seed = 8000 + mode.ordinal() * 10L + cell.ordinal() + (masked ? 100 : 0);
    int out = mode == Mode.CONCAT ? 8 : 4;
    MultiLayerNetwork network =
        RecurrentNetworks.withSoftmaxHead(
            seed,
            out,
            new LastTimeStep(
                new Bidirectional(mode, cell.layer(3, 4, Activation.TANH, Activation.SIGMOID))));
    INDArray x = RecurrentNetworks.sequences(seed + 2, 4, 3, 5);
    INDArray y = RecurrentNetworks.labels(seed + 3, 4);
    INDArray mask = masked ? RecurrentNetworks.trailingPadding(5, 5, 1, 3, 4) : null;
    RecurrentNetworks.assertGradientSumEqualsDl4j(network, x, y, mask, null, 1e-4);
    RecurrentNetworks.assertEqualsBatchOfOne(network, GradientMethod.GHOST, x, y, mask, 0, 1);
  }

  /** A bare Bidirectional below a LastTimeStep: the mask reaches it as DL4J passes it. */
  @ParameterizedTest(name = "bare Bidirectional of {0}, masked {1}")
  @CsvSource({"LSTM, true", "SIMPLE_RNN, true", "LSTM, false"})
  void bareBidirectionalEqualsTheBatchOfOneLoop(Cell cell, boolean masked) {
    long seed = 8200 + cell.ordinal() * 10L + (masked ? 1 : 0);
    MultiLayerNetwork network =
        RecurrentNetworks.withSoftmaxHead(
            seed,
            3,
            new Bidirectional(Mode.CONCAT, cell.layer(2, 3, Activation.TANH, Activation.SIGMOID)),
            new LastTimeStep(Cell.SIMPLE_RNN.layer(6, 3, Activation.TANH, Activation.SIGMOID)));
    INDArray x = RecurrentNetworks.sequences(seed + 2, 4, 2, 4);
    INDArray y = RecurrentNetworks.labels(seed + 3, 4);
    INDArray mask = masked ? RecurrentNetworks.trailingPadding(4, 4, 1, 2, 3) : null;
    RecurrentNetworks.assertGradientSumEqualsDl4j(network, x, y, mask, null, 1e-4);
    RecurrentNetworks.assertEqualsBatchOfOne(network, GradientMethod.LAYERWISE, x, y, mask, 0, 1);
  }

  /**
   * MaskZeroLayer derives the mask from steps whose features all equal the masking value (here
   * trailing all-zero steps of different lengths, and one step with a single zero feature, which
   * stays present).
   */
  @ParameterizedTest(name = "MaskZeroLayer of {0}")
  @CsvSource({"LSTM", "GRAVES_LSTM", "SIMPLE_RNN"})
  void maskZeroLayerEqualsTheBatchOfOneLoop(Cell cell) {
    long seed = 8300 + cell.ordinal();
    MultiLayerNetwork network =
        RecurrentNetworks.withSoftmaxHead(
            seed,
            3,
            new MaskZeroLayer(cell.layer(2, 4, Activation.TANH, Activation.SIGMOID), 0.0),
            new LastTimeStep(Cell.SIMPLE_RNN.layer(4, 3, Activation.TANH, Activation.SIGMOID)));
    INDArray x = RecurrentNetworks.sequences(seed + 2, 4, 2, 5);
    int[] lengths = {5, 1, 3, 4};
    for (int i = 0; i < lengths.length; i++) {
      for (int t = lengths[i]; t < 5; t++) {
        x.putScalar(new int[] {i, 0, t}, 0.0);
        x.putScalar(new int[] {i, 1, t}, 0.0);
      }
    }
    x.putScalar(new int[] {0, 1, 2}, 0.0);
    INDArray y = RecurrentNetworks.labels(seed + 3, 4);
    RecurrentNetworks.assertGradientSumEqualsDl4j(network, x, y, null, null, 1e-4);
    RecurrentNetworks.assertEqualsBatchOfOne(network, GradientMethod.GHOST, x, y, null, 0, 1);
  }

  @Test
  void simpleRnnLayerNormalizationIsRefusedAndAutoFallsBack() {
    MultiLayerNetwork network =
        RecurrentNetworks.withSoftmaxHead(
            8400,
            3,
            new LastTimeStep(
                new SimpleRnn.Builder()
                    .nIn(2)
                    .nOut(3)
                    .hasLayerNorm(true)
                    .activation(Activation.TANH)
                    .build()));
    assertEquals(
        "layer 0 (SimpleRnn) wraps a SimpleRnn that uses layer normalization",
        MultiLayerClipping.unsupportedReason(network, GradientMethod.LAYERWISE).orElseThrow());
    assertEquals(
        GradientMethod.BATCH_OF_ONE,
        NetworkGradients.forNetwork(network, GradientMethod.AUTO).method());
  }

  @Test
  void wrappedDropoutAndNonRecurrentLayersAreRefused() {
    MultiLayerNetwork dropout =
        RecurrentNetworks.withSoftmaxHead(
            8500, 3, new LastTimeStep(new LSTM.Builder().nIn(2).nOut(3).dropOut(0.5).build()));
    assertEquals(
        "layer 0 (LSTM) uses dropout, which its rule does not apply; remove it, or put a "
            + "DropoutLayer before the layer",
        MultiLayerClipping.unsupportedReason(dropout, GradientMethod.LAYERWISE).orElseThrow());
    MultiLayerNetwork dense =
        RecurrentNetworks.withSoftmaxHead(
            8501, 3, new LastTimeStep(new DenseLayer.Builder().nIn(2).nOut(3).build()));
    assertEquals(
        "layer 0 (DenseLayer) wraps a DenseLayer, which is not a recurrent layer with a rule",
        MultiLayerClipping.unsupportedReason(dense, GradientMethod.LAYERWISE).orElseThrow());
  }
}

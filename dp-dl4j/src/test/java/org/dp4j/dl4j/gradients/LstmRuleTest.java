package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.gradients.RecurrentNetworks.Cell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link LstmRule}, {@link SimpleRnnRule} and {@link LastTimeStepRule} against DL4J's own batch
 * gradient and the batch-of-one loop, with and without masks. With 3 inputs and 4 units, {@code T =
 * 4} takes the ghost norms over time for the LSTM's weights ({@code 2 T^2 = 32 < 3 x 16}) and
 * {@code T = 6} the layerwise ones.
 */
class LstmRuleTest {

  @ParameterizedTest(name = "{0}, {1}, gates {2}, T = {3}, masked {4}")
  @CsvSource({
    "LSTM, TANH, SIGMOID, 4, false",
    "LSTM, TANH, SIGMOID, 4, true",
    "LSTM, SOFTSIGN, HARDSIGMOID, 6, true",
    "LSTM, RELU, SIGMOID, 6, false",
    "GRAVES_LSTM, TANH, SIGMOID, 4, false",
    "GRAVES_LSTM, TANH, SIGMOID, 4, true",
    "GRAVES_LSTM, TANH, HARDSIGMOID, 6, true",
    "SIMPLE_RNN, TANH, SIGMOID, 4, false",
    "SIMPLE_RNN, TANH, SIGMOID, 6, true",
    "SIMPLE_RNN, SOFTSIGN, SIGMOID, 4, true"
  })
  void lastStepOfARecurrentLayerEqualsDl4jAndTheBatchOfOneLoop(
      Cell cell, Activation activation, Activation gate, int time, boolean masked) {
    long seed = 7000 + cell.ordinal() * 100L + activation.ordinal() * 10L + time;
    MultiLayerNetwork network =
        RecurrentNetworks.withSoftmaxHead(
            seed, 4, new LastTimeStep(cell.layer(3, 4, activation, gate)));
    INDArray x = RecurrentNetworks.sequences(seed + 2, 5, 3, time);
    INDArray y = RecurrentNetworks.labels(seed + 3, 5);
    INDArray mask =
        masked ? RecurrentNetworks.trailingPadding(time, time, 1, 2, time - 1, 3) : null;
    RecurrentNetworks.assertGradientSumEqualsDl4j(network, x, y, mask, null, 1e-4);
    for (GradientMethod method :
        new GradientMethod[] {GradientMethod.GHOST, GradientMethod.LAYERWISE}) {
      RecurrentNetworks.assertEqualsBatchOfOne(network, method, x, y, mask, 0, 1);
    }
  }

  /**
   * A bare LSTM under a LastTimeStep-wrapped one: DL4J does not mask the first (its mask passes
   * through) and masks the second, and so do the rules.
   */
  @ParameterizedTest(name = "{0} under a LastTimeStep LSTM, masked {1}")
  @CsvSource({"LSTM, false", "LSTM, true", "GRAVES_LSTM, true", "SIMPLE_RNN, true"})
  void twoLayerStacksEqualTheBatchOfOneLoop(Cell first, boolean masked) {
    long seed = 7500 + first.ordinal() * 10L + (masked ? 1 : 0);
    MultiLayerNetwork network =
        RecurrentNetworks.withSoftmaxHead(
            seed,
            3,
            first.layer(2, 5, Activation.TANH, Activation.SIGMOID),
            new LastTimeStep(Cell.LSTM.layer(5, 3, Activation.TANH, Activation.SIGMOID)));
    INDArray x = RecurrentNetworks.sequences(seed + 2, 4, 2, 5);
    INDArray y = RecurrentNetworks.labels(seed + 3, 4);
    INDArray mask = masked ? RecurrentNetworks.trailingPadding(5, 5, 1, 3, 4) : null;
    RecurrentNetworks.assertGradientSumEqualsDl4j(network, x, y, mask, null, 1e-4);
    RecurrentNetworks.assertEqualsBatchOfOne(network, GradientMethod.GHOST, x, y, mask, 0, 1, 2);
  }

  @Test
  void otherDataFormatsAreRefused() {
    MultiLayerNetwork network =
        RecurrentNetworks.withSoftmaxHead(
            7600,
            4,
            new LastTimeStep(new LSTM.Builder().nIn(3).nOut(4).dataFormat(RNNFormat.NWC).build()));
    assertEquals(
        "layer 0 (LSTM) wraps a LSTM that uses the NWC data format; use NCW",
        MultiLayerClipping.unsupportedReason(network, GradientMethod.LAYERWISE).orElseThrow());
  }
}

package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.gradients.RecurrentNetworks.Cell;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@link LstmRule} against DL4J's gradients and the batch-of-one loop. */
class LstmRuleTest {

  @ParameterizedTest(name = "{0}, {1}, gates {2}")
  @CsvSource({
    "LSTM, TANH, SIGMOID",
    "LSTM, SOFTSIGN, HARDSIGMOID",
    "GRAVES_LSTM, TANH, SIGMOID",
    "GRAVES_LSTM, TANH, HARDSIGMOID"
  })
  void lastStepOfAnLstmEqualsDl4jAndTheBatchOfOneLoop(
      Cell cell, Activation activation, Activation gate) {
    long seed = 7000 + cell.ordinal() * 10L + activation.ordinal();
    MultiLayerNetwork network =
        RecurrentNetworks.withSoftmaxHead(
            seed, 4, new LastTimeStep(cell.layer(3, 4, activation, gate)));
    INDArray x = RecurrentNetworks.sequences(seed + 2, 5, 3, 4);
    INDArray y = RecurrentNetworks.labels(seed + 3, 5);
    RecurrentNetworks.assertGradientSumEqualsDl4j(network, x, y, null, null, 1e-4);
    RuleChecks.assertRulesEqualBatchOfOne(network, GradientMethod.LAYERWISE, x, y, 0, 1);
  }
}

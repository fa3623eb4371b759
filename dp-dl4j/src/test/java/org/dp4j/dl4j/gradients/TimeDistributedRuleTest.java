package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.gradients.RecurrentNetworks.Cell;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link TimeDistributedRule} against DL4J's batch gradient and the batch-of-one loop. With a
 * features mask, DL4J 1.0.0-M2.1's batched TimeDistributed masks row {@code b T + t} of its {@code
 * [B T, C]} reshape with entry {@code b + t B} of the mask's {@code 'f'} reshape, i.e. another
 * example's mask entry when {@code B > 1}; a batch of one is consistent. The rule follows each
 * example's own mask (the batch-of-one loop), so masked batches are compared with the loop only.
 */
class TimeDistributedRuleTest {

  @ParameterizedTest(name = "bias {0}, {1}, masked {2}")
  @CsvSource({
    "true, TANH, false",
    "true, RELU, true",
    "false, SIGMOID, true",
    "false, TANH, false"
  })
  void denseLayerPerTimeStepEqualsTheBatchOfOneLoop(
      boolean bias, Activation activation, boolean masked) {
    long seed = 9000 + activation.ordinal() * 4L + (bias ? 2 : 0) + (masked ? 1 : 0);
    MultiLayerNetwork network =
        RecurrentNetworks.withSoftmaxHead(
            seed,
            3,
            new TimeDistributed(
                new DenseLayer.Builder()
                    .nIn(3)
                    .nOut(4)
                    .hasBias(bias)
                    .activation(activation)
                    .build()),
            new LastTimeStep(Cell.SIMPLE_RNN.layer(4, 3, Activation.TANH, Activation.SIGMOID)));
    INDArray x = RecurrentNetworks.sequences(seed + 2, 4, 3, 5);
    INDArray y = RecurrentNetworks.labels(seed + 3, 4);
    INDArray mask = masked ? RecurrentNetworks.trailingPadding(5, 5, 1, 3, 4) : null;
    if (!masked) {
      RecurrentNetworks.assertGradientSumEqualsDl4j(network, x, y, null, null, 1e-4);
    }
    RecurrentNetworks.assertEqualsBatchOfOne(network, GradientMethod.GHOST, x, y, mask, 0, 1);
  }
}

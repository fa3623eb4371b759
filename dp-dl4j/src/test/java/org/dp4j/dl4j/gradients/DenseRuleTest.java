package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;

/** {@link DenseRule} against the batch-of-one loop: each hidden dense layer's norms. */
class DenseRuleTest {

  @ParameterizedTest(name = "bias {0}, {1}")
  @CsvSource({"true, TANH", "false, TANH", "true, RELU", "false, SOFTMAX", "false, IDENTITY"})
  void denseLayersEqualTheBatchOfOneLoop(boolean bias, Activation activation) {
    long seed = 5000 + activation.ordinal() * 2L + (bias ? 1 : 0);
    MultiLayerNetwork network =
        TestNetworks.mlp(
            seed, 5, new int[] {6, 4}, activation, Head.SOFTMAX_MCXENT, 3, bias, false);
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        TestNetworks.gaussian(seed + 2, 7, 5, 1.0),
        TestNetworks.labels(seed + 3, 7, 3, Head.SOFTMAX_MCXENT),
        0,
        1);
  }
}

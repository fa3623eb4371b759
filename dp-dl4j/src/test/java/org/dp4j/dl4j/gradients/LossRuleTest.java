package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;

/**
 * {@link LossRule} against the batch-of-one loop: a LossLayer adds nothing to the norms, and the
 * dense layer below it (with and without bias) gets its gradient through it, for every head.
 */
class LossRuleTest {

  @ParameterizedTest(name = "{0}, bias {1}")
  @MethodSource("org.dp4j.dl4j.gradients.OutputRuleTest#heads")
  void lossLayersEqualTheBatchOfOneLoop(Head head, boolean bias) {
    long seed = 5400 + head.ordinal() * 2L + (bias ? 1 : 0);
    MultiLayerNetwork network = TestNetworks.mlp(seed, 5, new int[] {6}, Activation.TANH, head,
        3, bias, true);
    RuleChecks.assertRulesEqualBatchOfOne(network, GradientMethod.GHOST,
        TestNetworks.gaussian(seed + 2, 7, 5, 1.0), TestNetworks.labels(seed + 3, 7, 3, head),
        1, 2);
  }
}

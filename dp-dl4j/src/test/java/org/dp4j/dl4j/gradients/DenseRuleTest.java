package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

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

  @Test
  void layerNormalizationIsRefused() {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(5100)
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).hasLayerNorm(true).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(2).build()),
            5100);
    assertEquals(
        "layer 0 (DenseLayer) uses layer normalization",
        MultiLayerClipping.unsupportedReason(network, GradientMethod.LAYERWISE).orElseThrow());
  }
}

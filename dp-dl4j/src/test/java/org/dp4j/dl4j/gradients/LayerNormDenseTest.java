package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link LayerNormDensePass} (a {@link DenseLayer} with {@code hasLayerNorm(true)}) against the
 * batch-of-one loop: weights, gain and bias, stacked, with and without bias.
 */
class LayerNormDenseTest {

  @ParameterizedTest(name = "bias {0}, {1}")
  @CsvSource({"true, TANH", "false, TANH", "true, RELU", "false, IDENTITY", "true, SIGMOID"})
  void layerNormalizedDenseLayersEqualTheBatchOfOneLoop(boolean bias, Activation activation) {
    long seed = 7500 + activation.ordinal() * 2L + (bias ? 1 : 0);
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(layerNormDense(5, 6, bias, activation))
                .layer(layerNormDense(6, 4, bias, activation))
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(4)
                        .nOut(3)
                        .hasBias(bias)
                        .activation(Activation.SOFTMAX)
                        .build()),
            seed);
    assertEquals(
        GradientMethod.GHOST, NetworkGradients.forNetwork(network, GradientMethod.AUTO).method());
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        TestNetworks.gaussian(seed + 2, 7, 5, 1.0),
        TestNetworks.labels(seed + 3, 7, 3, Head.SOFTMAX_MCXENT),
        0,
        1,
        2);
  }

  private static DenseLayer layerNormDense(int in, int out, boolean bias, Activation activation) {
    return new DenseLayer.Builder()
        .nIn(in)
        .nOut(out)
        .hasBias(bias)
        .hasLayerNorm(true)
        .activation(activation)
        .build();
  }
}

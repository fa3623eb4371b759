package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.api.Test;
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

  @Test
  void layerNormalizationPerTimeStepIsRefusedNamingTheLayer() {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(7550)
                .layer(layerNormDense(3, 4, true, Activation.TANH))
                .layer(
                    new RnnOutputLayer.Builder(LossFunction.MSE)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.recurrent(3, 5)),
            7550);
    MultiLayerClipping clipping = MultiLayerClipping.of(network, GradientMethod.GHOST);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                clipping.perExampleNorms(
                    TestNetworks.gaussian(1, 2, 15, 1.0).reshape('c', 2, 3, 5),
                    TestNetworks.gaussian(2, 2, 10, 1.0).reshape('c', 2, 2, 5)));
    assertEquals(
        "the input of layer 0 (a DenseLayer with layer normalization) must be rows [B, nIn] (layer "
            + "normalization per time step is not supported; use BATCH_OF_ONE), got [2, 3, 5]",
        e.getMessage());
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

package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link ConvolutionRule} against the batch-of-one loop: two stacked convolutions' norms (the first
 * one's also check the second one's input gradient), bias or not.
 */
class ConvolutionRuleTest {

  static MultiLayerNetwork network(long seed, boolean bias, ConvolutionMode mode) {
    return TestNetworks.build(
        TestNetworks.builder(seed)
            .layer(
                new ConvolutionLayer.Builder(3, 3)
                    .convolutionMode(mode)
                    .nOut(3)
                    .hasBias(bias)
                    .padding(mode == ConvolutionMode.Truncate ? new int[] {1, 1} : new int[] {0, 0})
                    .activation(Activation.TANH)
                    .build())
            .layer(
                new ConvolutionLayer.Builder(2, 2)
                    .stride(2, 2)
                    .convolutionMode(mode)
                    .nOut(2)
                    .hasBias(bias)
                    .activation(Activation.RELU)
                    .build())
            .layer(
                new OutputLayer.Builder(LossFunction.MCXENT)
                    .nOut(3)
                    .activation(Activation.SOFTMAX)
                    .build())
            .setInputType(InputType.convolutional(6, 6, 2)),
        seed);
  }

  @ParameterizedTest(name = "bias {0}, {1}")
  @CsvSource({"true, Truncate", "false, Truncate", "true, Same", "false, Same"})
  void convolutionsEqualTheBatchOfOneLoop(boolean bias, ConvolutionMode mode) {
    long seed = 5600 + mode.ordinal() * 2L + (bias ? 1 : 0);
    INDArray x = TestNetworks.gaussian(seed + 2, 5, 2 * 6 * 6, 1.0).reshape('c', 5, 2, 6, 6);
    RuleChecks.assertRulesEqualBatchOfOne(
        network(seed, bias, mode),
        GradientMethod.LAYERWISE,
        x,
        TestNetworks.labels(seed + 3, 5, 3, Head.SOFTMAX_MCXENT),
        0,
        1);
  }

  @Test
  void ghostClippingRefusesConvolutions() {
    MultiLayerNetwork network = network(5700, true, ConvolutionMode.Truncate);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NetworkGradients.forNetwork(network, GradientMethod.GHOST));
    assertEquals(
        "network must be supported by ghost clipping, got layer 0 (ConvolutionLayer) "
            + "forms per-example gradients, which ghost clipping does not; use LAYERWISE",
        e.getMessage());
    assertEquals(
        GradientMethod.LAYERWISE,
        NetworkGradients.forNetwork(network, GradientMethod.AUTO).method());
  }
}

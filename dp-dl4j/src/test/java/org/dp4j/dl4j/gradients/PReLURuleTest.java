package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link PReLURule} against the batch-of-one loop: per-unit slopes after a dense layer, per
 * position and per channel (shared over height and width) after a convolution.
 */
class PReLURuleTest {

  @ParameterizedTest(name = "bias {0}")
  @ValueSource(booleans = {true, false})
  void perUnitSlopesEqualTheBatchOfOneLoop(boolean bias) {
    long seed = 7200 + (bias ? 1 : 0);
    MultiLayerNetwork network = dense(seed, bias);
    assertEquals(
        GradientMethod.GHOST, NetworkGradients.forNetwork(network, GradientMethod.AUTO).method());
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        TestNetworks.gaussian(seed + 2, 8, 5, 1.0),
        TestNetworks.labels(seed + 3, 8, 3, Head.SOFTMAX_MCXENT),
        0,
        1,
        2);
  }

  @ParameterizedTest(name = "shared height and width {0}")
  @ValueSource(booleans = {true, false})
  void convolutionalSlopesEqualTheBatchOfOneLoop(boolean shared) {
    long seed = 7300 + (shared ? 1 : 0);
    PReLULayer.Builder prelu = new PReLULayer.Builder().inputShape(3, 3, 3);
    if (shared) {
      prelu.sharedAxes(2, 3);
    }
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(
                    new ConvolutionLayer.Builder(2, 2)
                        .nOut(3)
                        .activation(Activation.IDENTITY)
                        .build())
                .layer(prelu.build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(4, 4, 2)),
            seed);
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.LAYERWISE,
        TestNetworks.gaussian(seed + 2, 6, 32, 1.0).reshape('c', 6, 2, 4, 4),
        TestNetworks.labels(seed + 3, 6, 3, Head.SOFTMAX_MCXENT),
        0,
        1,
        2);
  }

  @Test
  void anInputOfAnotherShapeIsRefused() {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(7400)
                .layer(new PReLULayer.Builder().inputShape(5).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MSE)
                        .nIn(5)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .build()),
            7400);
    MultiLayerClipping clipping = MultiLayerClipping.of(network, GradientMethod.GHOST);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                clipping.perExampleNorms(
                    TestNetworks.gaussian(1, 4, 6, 1.0),
                    TestNetworks.labels(2, 4, 2, Head.IDENTITY_MSE)));
    assertEquals("features.shape() must be [B, 5] (size 1: any size), got [4, 6]", e.getMessage());
  }

  private static MultiLayerNetwork dense(long seed, boolean bias) {
    return TestNetworks.build(
        TestNetworks.builder(seed)
            .layer(
                new DenseLayer.Builder()
                    .nIn(5)
                    .nOut(4)
                    .hasBias(bias)
                    .activation(Activation.IDENTITY)
                    .build())
            .layer(new PReLULayer.Builder().inputShape(4).build())
            .layer(
                new OutputLayer.Builder(LossFunction.MCXENT)
                    .nIn(4)
                    .nOut(3)
                    .hasBias(bias)
                    .activation(Activation.SOFTMAX)
                    .build()),
        seed);
  }
}

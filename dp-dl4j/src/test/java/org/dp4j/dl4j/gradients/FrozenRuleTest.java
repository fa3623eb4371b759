package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link FrozenRule} against the batch-of-one loop: frozen layers add nothing to the norms and
 * nothing to the clipped sum; a {@code FrozenLayerWithBackprop} passes the gradient down, a {@code
 * FrozenLayer} does not.
 */
class FrozenRuleTest {

  @ParameterizedTest(name = "bias {0}")
  @ValueSource(booleans = {true, false})
  void frozenLayersUnderATrainedHeadEqualTheBatchOfOneLoop(boolean bias) {
    long seed = 7700 + (bias ? 1 : 0);
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(new FrozenLayer(dense(5, 6, bias)))
                .layer(new FrozenLayerWithBackprop(dense(6, 5, bias)))
                .layer(dense(5, 4, bias))
                .layer(output(4, bias)),
            seed);
    assertEquals(
        GradientMethod.GHOST, NetworkGradients.forNetwork(network, GradientMethod.AUTO).method());
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        TestNetworks.gaussian(seed + 2, 6, 5, 1.0),
        TestNetworks.labels(seed + 3, 6, 3, Head.SOFTMAX_MCXENT),
        0,
        1,
        2,
        3);
  }

  @Test
  void aTrainedLayerBelowAFrozenLayerWithBackpropGetsItsGradient() {
    long seed = 7710;
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(dense(5, 6, true))
                .layer(new FrozenLayerWithBackprop(dense(6, 4, true)))
                .layer(output(4, true)),
            seed);
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        TestNetworks.gaussian(seed + 2, 6, 5, 1.0),
        TestNetworks.labels(seed + 3, 6, 3, Head.SOFTMAX_MCXENT),
        0,
        1,
        2);
  }

  @Test
  void aTrainedLayerBelowAFrozenLayerGetsNoGradientAsInDl4j() {
    long seed = 7720;
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(dense(5, 6, true))
                .layer(new FrozenLayer(dense(6, 4, true)))
                .layer(output(4, true)),
            seed);
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        TestNetworks.gaussian(seed + 2, 6, 5, 1.0),
        TestNetworks.labels(seed + 3, 6, 3, Head.SOFTMAX_MCXENT),
        0,
        1,
        2);
  }

  @Test
  void aFrozenConvolutionIsGhostClipped() {
    long seed = 7730;
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(
                    new FrozenLayer(
                        new ConvolutionLayer.Builder(2, 2)
                            .nIn(1)
                            .nOut(3)
                            .activation(Activation.TANH)
                            .build()))
                .layer(new DenseLayer.Builder().nOut(4).activation(Activation.TANH).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(4, 4, 1)),
            seed);
    assertEquals(
        GradientMethod.GHOST, NetworkGradients.forNetwork(network, GradientMethod.AUTO).method());
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        TestNetworks.gaussian(seed + 2, 5, 16, 1.0).reshape('c', 5, 1, 4, 4),
        TestNetworks.labels(seed + 3, 5, 3, Head.SOFTMAX_MCXENT),
        0,
        1,
        2);
  }

  @Test
  void aFrozenLayerWithoutARuleIsRefusedNamingIt() {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(7740)
                .layer(
                    new FrozenLayer(
                        new SeparableConvolution2D.Builder(2, 2).nIn(1).nOut(2).build()))
                .layer(
                    new OutputLayer.Builder(LossFunction.MSE)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.convolutional(3, 3, 1)),
            7740);
    String reason =
        MultiLayerClipping.unsupportedReason(network, GradientMethod.LAYERWISE).orElseThrow();
    assertEquals(
        "layer 0 (SeparableConvolution2D) (frozen) is not a ConvolutionLayer",
        reason.substring(
            0, "layer 0 (SeparableConvolution2D) (frozen) is not a ConvolutionLayer".length()),
        reason);
  }

  private static DenseLayer dense(int in, int out, boolean bias) {
    return new DenseLayer.Builder()
        .nIn(in)
        .nOut(out)
        .hasBias(bias)
        .activation(Activation.TANH)
        .build();
  }

  private static OutputLayer output(int in, boolean bias) {
    return new OutputLayer.Builder(LossFunction.MCXENT)
        .nIn(in)
        .nOut(3)
        .hasBias(bias)
        .activation(Activation.SOFTMAX)
        .build();
  }
}

package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link PoolingRule} against the batch-of-one loop: a pooling layer adds nothing to the norms and
 * passes each example's gradient on to the convolution below it; without convolutions, a pooling
 * network is ghost-clipped.
 */
class PoolingRuleTest {

  @ParameterizedTest
  @EnumSource(
      value = PoolingType.class,
      names = {"MAX", "AVG"})
  void poolingAfterAConvolutionEqualsTheBatchOfOneLoop(PoolingType pooling) {
    long seed = 5800 + pooling.ordinal();
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(
                    new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.TANH).build())
                .layer(new SubsamplingLayer.Builder(pooling).kernelSize(2, 2).stride(1, 1).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(5, 5, 1)),
            seed);
    INDArray x = TestNetworks.gaussian(seed + 2, 6, 25, 1.0).reshape('c', 6, 1, 5, 5);
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.LAYERWISE,
        x,
        TestNetworks.labels(seed + 3, 6, 3, Head.SOFTMAX_MCXENT),
        0,
        1);
  }

  @ParameterizedTest
  @EnumSource(
      value = PoolingType.class,
      names = {"MAX", "AVG"})
  void poolingWithoutConvolutionsIsGhostClipped(PoolingType pooling) {
    long seed = 5900 + pooling.ordinal();
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(new SubsamplingLayer.Builder(pooling).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(4).activation(Activation.TANH).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1)),
            seed);
    assertEquals(
        GradientMethod.GHOST, NetworkGradients.forNetwork(network, GradientMethod.AUTO).method());
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        TestNetworks.gaussian(seed + 2, 6, 36, 1.0),
        TestNetworks.labels(seed + 3, 6, 3, Head.SOFTMAX_MCXENT),
        0,
        1);
  }
}

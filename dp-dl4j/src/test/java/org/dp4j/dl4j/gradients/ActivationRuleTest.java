package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link ActivationRule} against the batch-of-one loop: no parameters of its own, and the gradient
 * it passes down makes the layers below it agree, on dense and convolutional inputs.
 */
class ActivationRuleTest {

  @ParameterizedTest
  @EnumSource(
      value = Activation.class,
      names = {"TANH", "RELU", "SIGMOID", "SOFTMAX", "LEAKYRELU", "ELU", "SWISH"})
  void activationBetweenDenseLayersEqualsTheBatchOfOneLoop(Activation activation) {
    long seed = 7000 + activation.ordinal();
    for (boolean bias : new boolean[] {true, false}) {
      MultiLayerNetwork network =
          TestNetworks.build(
              TestNetworks.builder(seed)
                  .layer(
                      new DenseLayer.Builder()
                          .nIn(5)
                          .nOut(6)
                          .hasBias(bias)
                          .activation(Activation.IDENTITY)
                          .build())
                  .layer(new ActivationLayer.Builder().activation(activation).build())
                  .layer(
                      new OutputLayer.Builder(LossFunction.MCXENT)
                          .nIn(6)
                          .nOut(3)
                          .hasBias(bias)
                          .activation(Activation.SOFTMAX)
                          .build()),
              seed);
      RuleChecks.assertRulesEqualBatchOfOne(
          network,
          GradientMethod.GHOST,
          TestNetworks.gaussian(seed + 2, 7, 5, 1.0),
          TestNetworks.labels(seed + 3, 7, 3, Head.SOFTMAX_MCXENT),
          0,
          1,
          2);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"TANH", "RELU"})
  void activationOnConvolutionOutputsEqualsTheBatchOfOneLoop(Activation activation) {
    long seed = 7100 + activation.ordinal();
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(
                    new ConvolutionLayer.Builder(2, 2)
                        .nOut(3)
                        .activation(Activation.IDENTITY)
                        .build())
                .layer(new ActivationLayer.Builder().activation(activation).build())
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
        TestNetworks.gaussian(seed + 2, 5, 32, 1.0).reshape('c', 5, 2, 4, 4),
        TestNetworks.labels(seed + 3, 5, 3, Head.SOFTMAX_MCXENT),
        0,
        1,
        2);
  }
}

package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link GlobalPoolingRule} against the batch-of-one loop on masked sequences from a DenseLayer per
 * time step and on CNN activations; and its refusals. (The embedding and 1D convolution tests pool
 * too.)
 */
class GlobalPoolingRuleTest {

  private static final int STEPS = 5;
  private static final int[] LENGTHS = {5, 1, 3, 2, 4};

  @ParameterizedTest(name = "{0}")
  @EnumSource(PoolingType.class)
  void densePerStepThenMaskedPoolingEqualsTheBatchOfOneLoop(PoolingType pooling) {
    long seed = 9000 + pooling.ordinal();
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new GlobalPoolingLayer.Builder(pooling).pnorm(2).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(4)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.recurrent(3, STEPS)),
            seed);
    int size = LENGTHS.length;
    SequenceChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        new Batch(
            SequenceChecks.sequences(seed + 10, size, 3, STEPS),
            TestNetworks.labels(seed + 11, size, 2, Head.SOFTMAX_MCXENT),
            SequenceChecks.lengths(STEPS, LENGTHS),
            null),
        0,
        1,
        2);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"AVG", "MAX", "SUM", "PNORM"})
  void poolingOfConvolutionsEqualsTheBatchOfOneLoop(PoolingType pooling) {
    long seed = 9100 + pooling.ordinal();
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(
                    new ConvolutionLayer.Builder(2, 2)
                        .nIn(2)
                        .nOut(3)
                        .activation(Activation.TANH)
                        .build())
                .layer(new GlobalPoolingLayer.Builder(pooling).pnorm(3).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(3)
                        .nOut(2)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(4, 4, 2)),
            seed);
    INDArray x = TestNetworks.gaussian(seed + 10, 5, 2 * 4 * 4, 1.0).reshape('c', 5, 2, 4, 4);
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.LAYERWISE,
        x,
        TestNetworks.labels(seed + 11, 5, 2, Head.SOFTMAX_MCXENT),
        0,
        1,
        2);
  }

  @Test
  void settingsWithoutARuleAreRefusedAndAutoFallsBack() {
    GlobalPoolingLayer kept = new GlobalPoolingLayer.Builder(PoolingType.AVG).build();
    kept.setCollapseDimensions(false);
    GlobalPoolingLayer pnorm1 = new GlobalPoolingLayer.Builder(PoolingType.PNORM).pnorm(1).build();
    String[] expected = {
      "layer 1 (GlobalPoolingLayer) keeps the pooled dimensions (collapseDimensions false)",
      "layer 1 (GlobalPoolingLayer) uses PNORM with p 1; only p >= 2 is supported"
    };
    GlobalPoolingLayer[] layers = {kept, pnorm1};
    for (int j = 0; j < layers.length; j++) {
      MultiLayerNetwork network =
          TestNetworks.build(
              TestNetworks.builder(9200)
                  .layer(new DenseLayer.Builder().nIn(3).nOut(4).build())
                  .layer(layers[j])
                  .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(2).build())
                  .setInputType(InputType.recurrent(3, STEPS)),
              9200);
      assertEquals(
          expected[j],
          MultiLayerClipping.unsupportedReason(network, GradientMethod.LAYERWISE).orElseThrow());
      assertTrue(
          NetworkGradients.forNetwork(network, GradientMethod.AUTO) instanceof BatchOfOneClipping);
    }
  }
}

package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.CnnToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link PreprocessorRule} against the batch-of-one loop: flat features reshaped for a convolution
 * (FeedForwardToCnn) and its output flattened for a dense layer (CnnToFeedForward), both ways; and
 * the preprocessors that have no rule.
 */
class PreprocessorRuleTest {

  @Test
  void convolutionalFlatPreprocessorsEqualTheBatchOfOneLoop() {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(6000)
                .layer(
                    new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nOut(4).activation(Activation.TANH).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(5, 6, 1)),
            6000);
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.LAYERWISE,
        TestNetworks.gaussian(6002, 6, 30, 1.0),
        TestNetworks.labels(6003, 6, 3, Head.SOFTMAX_MCXENT),
        0,
        1);
  }

  @Test
  void otherPreprocessorsAreRefused() {
    MultiLayerNetwork rnn =
        TestNetworks.build(
            TestNetworks.builder(6100)
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(3).nOut(2).build())
                .inputPreProcessor(0, new CnnToRnnPreProcessor(2, 2, 1)),
            6100);
    assertEquals(
        "layer 0 (DenseLayer) has an unsupported input preprocessor CnnToRnnPreProcessor (only "
            + "FeedForwardToCnnPreProcessor, CnnToFeedForwardPreProcessor, "
            + "RnnToFeedForwardPreProcessor and FeedForwardToRnnPreProcessor)",
        MultiLayerClipping.unsupportedReason(rnn, GradientMethod.GHOST).orElseThrow());

    MultiLayerNetwork nwc =
        TestNetworks.build(
            TestNetworks.builder(6102)
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(3).nOut(2).build())
                .inputPreProcessor(0, new RnnToFeedForwardPreProcessor(RNNFormat.NWC)),
            6102);
    assertEquals(
        "layer 0 (DenseLayer) has a RnnToFeedForwardPreProcessor in format NWC; only NCW is "
            + "supported",
        MultiLayerClipping.unsupportedReason(nwc, GradientMethod.GHOST).orElseThrow());

    MultiLayerNetwork nhwc =
        TestNetworks.build(
            TestNetworks.builder(6101)
                .layer(new ConvolutionLayer.Builder(2, 2).nIn(1).nOut(2).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(18).nOut(2).build())
                .inputPreProcessor(1, new CnnToFeedForwardPreProcessor(3, 3, 2, CNN2DFormat.NHWC)),
            6101);
    assertEquals(
        "layer 1 (OutputLayer) has a CnnToFeedForwardPreProcessor in format NHWC; only "
            + "NCHW is supported",
        MultiLayerClipping.unsupportedReason(nhwc, GradientMethod.LAYERWISE).orElseThrow());
  }
}

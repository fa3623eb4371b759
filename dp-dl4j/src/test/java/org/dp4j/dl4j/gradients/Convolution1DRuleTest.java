package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
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
 * {@link Convolution1DRule} against the batch-of-one loop: convolution modes, kernel, stride,
 * dilation and padding, with and without bias, two stacked layers (the input gradient), and masks
 * reduced over the receptive fields into a masked global pooling.
 */
class Convolution1DRuleTest {

  private static final int STEPS = 9;
  private static final int[] LENGTHS = {9, 1, 5, 7, 2, 9};

  private static Convolution1DLayer conv(
      int nIn, int nOut, ConvolutionMode mode, int k, int s, int d, int p, boolean bias) {
    return new Convolution1DLayer.Builder()
        .nIn(nIn)
        .nOut(nOut)
        .kernelSize(k)
        .stride(s)
        .dilation(d)
        .padding(p)
        .convolutionMode(mode)
        .hasBias(bias)
        .activation(Activation.TANH)
        .build();
  }

  @ParameterizedTest(name = "{0}, k {1}, stride {2}, dilation {3}, padding {4}, bias {5}")
  @CsvSource({
    "Same, 3, 1, 1, 0, true",
    "Same, 3, 2, 1, 0, false",
    "Truncate, 3, 1, 1, 0, true",
    "Truncate, 2, 2, 1, 1, true",
    "Truncate, 3, 1, 2, 1, false",
    "Causal, 3, 1, 1, 0, true",
    "Causal, 2, 2, 2, 0, false"
  })
  void stackedConvolutionsThenRnnOutputEqualTheBatchOfOneLoop(
      ConvolutionMode mode, int k, int s, int d, int p, boolean bias) {
    long seed = 8000 + mode.ordinal() * 100L + k * 10L + s + d * 3L + p * 5L + (bias ? 1 : 0);
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(conv(3, 4, mode, k, s, d, p, bias))
                .layer(conv(4, 5, ConvolutionMode.Same, 2, 1, 1, 0, bias))
                .layer(
                    new RnnOutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(5)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.recurrent(3, STEPS)),
            seed);
    int size = LENGTHS.length;
    INDArray x = SequenceChecks.sequences(seed + 10, size, 3, STEPS);
    long outSteps = network.output(x).size(2);
    INDArray y = SequenceChecks.stepLabels(seed + 11, size, 3, (int) outSteps);
    SequenceChecks.assertRulesEqualBatchOfOne(
        network, GradientMethod.GHOST, new Batch(x, y, null, null), 0, 1, 2);
  }

  @ParameterizedTest(name = "{0}, k {1}, stride {2}, padding {3}, {4}")
  @CsvSource({
    "Same, 3, 1, 0, AVG",
    "Same, 3, 1, 0, MAX",
    "Truncate, 3, 1, 0, AVG",
    "Truncate, 3, 2, 1, SUM",
    "Truncate, 2, 2, 0, MAX"
  })
  void maskedConvolutionsThenGlobalPoolingEqualTheBatchOfOneLoop(
      ConvolutionMode mode, int k, int s, int p, PoolingType pooling) {
    long seed = 8500 + mode.ordinal() * 100L + k * 10L + s + p * 5L + pooling.ordinal() * 7L;
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(conv(3, 4, mode, k, s, 1, p, true))
                .layer(new GlobalPoolingLayer.Builder(pooling).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(4)
                        .nOut(3)
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
            TestNetworks.labels(seed + 11, size, 3, Head.SOFTMAX_MCXENT),
            SequenceChecks.lengths(STEPS, LENGTHS),
            null),
        0,
        1,
        2);
  }

  @Test
  void strictModeAndNwcAreRefusedAndAutoFallsBack() {
    for (boolean nwc : new boolean[] {false, true}) {
      Convolution1DLayer layer =
          new Convolution1DLayer.Builder()
              .nIn(3)
              .nOut(4)
              .kernelSize(2)
              .convolutionMode(nwc ? ConvolutionMode.Same : ConvolutionMode.Strict)
              .rnnDataFormat(nwc ? RNNFormat.NWC : RNNFormat.NCW)
              .build();
      MultiLayerNetwork network =
          TestNetworks.build(
              TestNetworks.builder(8900)
                  .layer(layer)
                  .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                  .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(2).build()),
              8900);
      assertEquals(
          nwc
              ? "layer 0 (Convolution1DLayer) uses data format NWC; only NCW is supported"
              : "layer 0 (Convolution1DLayer) uses convolution mode Strict; only Same, Truncate"
                  + " and Causal are supported",
          MultiLayerClipping.unsupportedReason(network, GradientMethod.LAYERWISE).orElseThrow());
      assertTrue(
          NetworkGradients.forNetwork(network, GradientMethod.AUTO) instanceof BatchOfOneClipping);
    }
  }

  @Test
  void aMaskForACausalConvolutionIsRefusedNamingTheLayer() {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(8950)
                .layer(conv(3, 4, ConvolutionMode.Causal, 2, 1, 1, 0, true))
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(2).build())
                .setInputType(InputType.recurrent(3, STEPS)),
            8950);
    INDArray x = SequenceChecks.sequences(8951, 2, 3, STEPS);
    INDArray y = TestNetworks.gaussian(8952, 2, 2, 1.0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                NetworkGradients.forNetwork(network, GradientMethod.GHOST)
                    .gradients(x, y, SequenceChecks.lengths(STEPS, 3, 9), null));
    assertEquals(
        "layer 0 (Convolution1DLayer) takes no features mask in convolution mode Causal with"
            + " stride 1",
        e.getMessage());
  }
}

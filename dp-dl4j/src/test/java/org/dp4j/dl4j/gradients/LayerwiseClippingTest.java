package org.dp4j.dl4j.gradients;

import static org.dp4j.dl4j.gradients.RuleChecks.clip;
import static org.dp4j.dl4j.testing.TestNetworks.build;
import static org.dp4j.dl4j.testing.TestNetworks.builder;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.dp4j.training.clipping.ClippableGradients;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Layerwise clipping against the exact batch-of-one loop: per-example norms and clipped sums (laid
 * out as {@code params()}) agree within 1e-4 relative for convolutions over a grid of kernels,
 * strides, paddings, modes, channels, biases and activations, for max and average pooling, and for
 * the two CNNs of the CLI; plus empty batches, non-finite examples and the rejection of unsupported
 * layers.
 */
class LayerwiseClippingTest {

  /** Float forward/backward passes differ in summation order only: far below this. */
  private static final double RELATIVE_TOLERANCE = 1e-4;

  /** One convolution case: shapes chosen so that Strict mode divides exactly. */
  record Conv(
      int kernel,
      int stride,
      int padding,
      ConvolutionMode mode,
      int channels,
      boolean bias,
      Activation activation) {
    int height() {
      return kernel + 2 * stride + 1 - (mode == ConvolutionMode.Strict ? 1 : 0) + 2;
    }

    int width() {
      return kernel + stride + (mode == ConvolutionMode.Strict ? stride - 1 : 1) + 1;
    }
  }

  static Stream<Arguments> convolutions() {
    List<Arguments> cases = new ArrayList<>();
    ConvolutionMode[] modes = {
      ConvolutionMode.Truncate, ConvolutionMode.Same, ConvolutionMode.Strict
    };
    Activation[] activations = {Activation.TANH, Activation.RELU, Activation.IDENTITY};
    long seed = 1000;
    for (int kernel = 1; kernel <= 5; kernel++) {
      for (int stride = 1; stride <= 2; stride++) {
        for (int m = 0; m < modes.length; m++) {
          int variant = kernel * 7 + stride * 3 + m;
          ConvolutionMode mode = modes[m];
          // Strict needs (H - k + 2p) % s == 0: padding 0 keeps the arithmetic in height().
          int padding =
              mode == ConvolutionMode.Truncate
                  ? (variant % 3 == 0 ? 0 : Math.min(kernel - 1, 1 + variant % 2))
                  : 0;
          int channels = 1 + variant % 3;
          boolean bias = variant % 2 == 0;
          Activation activation = activations[variant % activations.length];
          cases.add(
              Arguments.of(
                  seed++, new Conv(kernel, stride, padding, mode, channels, bias, activation)));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "seed {0}: {1}")
  @MethodSource("convolutions")
  void convolutionsEqualTheBatchOfOneLoop(long seed, Conv c) {
    // A first 1x1 convolution: its gradients check the grid layer's input gradient too.
    NeuralNetConfiguration.ListBuilder list =
        builder(seed)
            .layer(
                new ConvolutionLayer.Builder(1, 1)
                    .nOut(c.channels())
                    .activation(Activation.TANH)
                    .build())
            .layer(
                new ConvolutionLayer.Builder(c.kernel(), c.kernel())
                    .stride(c.stride(), c.stride())
                    .padding(c.padding(), c.padding())
                    .convolutionMode(c.mode())
                    .nOut(3)
                    .hasBias(c.bias())
                    .activation(c.activation())
                    .build())
            .layer(
                new OutputLayer.Builder(LossFunction.MCXENT)
                    .nOut(4)
                    .activation(Activation.SOFTMAX)
                    .build())
            .setInputType(InputType.convolutional(c.height(), c.width(), c.channels()));
    MultiLayerNetwork network = build(list, seed);
    INDArray x =
        TestNetworks.gaussian(seed + 2, 5, c.channels() * c.height() * c.width(), 1.0)
            .reshape('c', 5, c.channels(), c.height(), c.width());
    INDArray y = TestNetworks.labels(seed + 3, 5, 4, Head.SOFTMAX_MCXENT);
    assertEqualsBatchOfOne(network, x, y);
  }

  @ParameterizedTest
  @EnumSource(
      value = PoolingType.class,
      names = {"MAX", "AVG"})
  void poolingLayersEqualTheBatchOfOneLoop(PoolingType pooling) {
    long seed = 2000 + pooling.ordinal();
    NeuralNetConfiguration.ListBuilder list =
        builder(seed)
            .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.TANH).build())
            .layer(new SubsamplingLayer.Builder(pooling).kernelSize(2, 2).stride(2, 2).build())
            .layer(
                new ConvolutionLayer.Builder(2, 2)
                    .nOut(3)
                    .convolutionMode(ConvolutionMode.Same)
                    .activation(Activation.RELU)
                    .build())
            .layer(new SubsamplingLayer.Builder(pooling).kernelSize(2, 2).stride(1, 1).build())
            .layer(new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build())
            .layer(
                new OutputLayer.Builder(LossFunction.MCXENT)
                    .nOut(3)
                    .activation(Activation.SOFTMAX)
                    .build())
            .setInputType(InputType.convolutionalFlat(9, 8, 2));
    MultiLayerNetwork network = build(list, seed);
    INDArray x = TestNetworks.gaussian(seed + 2, 6, 9 * 8 * 2, 1.0);
    INDArray y = TestNetworks.labels(seed + 3, 6, 3, Head.SOFTMAX_MCXENT);
    assertEqualsBatchOfOne(network, x, y);
  }

  /** The CNN of {@code dp4j train --model cnn} (ModelKind.CNN) for an image size. */
  static MultiLayerNetwork cliCnn(int size, long seed) {
    boolean small = size < 16;
    NeuralNetConfiguration.ListBuilder list =
        builder(seed)
            .layer(
                new ConvolutionLayer.Builder(3, 3)
                    .nOut(small ? 8 : 16)
                    .activation(Activation.TANH)
                    .build())
            .layer(
                new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
            .layer(
                new ConvolutionLayer.Builder(small ? 2 : 3, small ? 2 : 3)
                    .nOut(small ? 16 : 32)
                    .activation(Activation.TANH)
                    .build())
            .layer(new DenseLayer.Builder().nOut(32).activation(Activation.TANH).build())
            .layer(
                new OutputLayer.Builder(LossFunction.MCXENT)
                    .nOut(10)
                    .activation(Activation.SOFTMAX)
                    .build())
            .setInputType(InputType.convolutionalFlat(size, size, 1));
    return build(list, seed);
  }

  @ParameterizedTest(name = "{0}x{0}, batch {1}")
  @org.junit.jupiter.params.provider.CsvSource({"8, 1", "8, 7", "28, 4"})
  void cliCnnsEqualTheBatchOfOneLoop(int size, int batch) {
    long seed = 3000 + size + batch;
    MultiLayerNetwork network = cliCnn(size, seed);
    assertEquals(
        GradientMethod.LAYERWISE,
        NetworkGradients.forNetwork(network, GradientMethod.AUTO).method());
    INDArray x = TestNetworks.gaussian(seed + 2, batch, size * size, 1.0);
    INDArray y = TestNetworks.labels(seed + 3, batch, 10, Head.SOFTMAX_MCXENT);
    assertEqualsBatchOfOne(network, x, y);
  }

  @Test
  void meanLossEqualsDl4jScoreAndInputsAndParametersStayUnchanged() {
    MultiLayerNetwork network = cliCnn(8, 4000);
    INDArray x = TestNetworks.gaussian(4001, 6, 64, 1.0);
    INDArray y = TestNetworks.labels(4002, 6, 10, Head.SOFTMAX_MCXENT);
    INDArray before = network.params().dup();
    INDArray features = x.dup();
    INDArray labels = y.dup();
    double loss =
        MultiLayerClipping.of(network, GradientMethod.LAYERWISE)
            .gradients(x, y)
            .meanLoss()
            .orElseThrow();
    assertEquals(before, network.params());
    assertEquals(features, x, "features unchanged");
    assertEquals(labels, y, "labels unchanged");
    double score = network.score(new org.nd4j.linalg.dataset.DataSet(x, y), false);
    assertEquals(score, loss, 1e-5 * Math.abs(score));
  }

  @Test
  void everyClippedExampleStaysInsideTheBall() {
    MultiLayerNetwork network = cliCnn(8, 4100);
    MultiLayerClipping clipping = MultiLayerClipping.of(network, GradientMethod.LAYERWISE);
    INDArray y = TestNetworks.labels(4101, 1, 10, Head.SOFTMAX_MCXENT);
    for (int i = 0; i < 10; i++) {
      // A batch of one: the clipped sum is that example's clipped gradient.
      INDArray x = TestNetworks.gaussian(4200 + i, 1, 64, 3.0);
      double unclipped = clipping.perExampleNorms(x, y)[0];
      double clipNorm = i % 2 == 0 ? unclipped / 2 : unclipped * 2; // active, then inactive
      INDArray sum =
          clip(clipping, x, y, clipNorm, NonFiniteGradientPolicy.SKIP_EXAMPLE)
              .sum()
              .castTo(DataType.DOUBLE);
      double norm = Math.sqrt(sum.mul(sum).sumNumber().doubleValue());
      assertTrue(norm <= clipNorm, "norm " + norm + " > " + clipNorm);
      double expected = Math.min(unclipped, clipNorm);
      assertEquals(expected, norm, 1e-4 * expected, "clipped norm");
    }
  }

  @Test
  void emptyBatchGivesAZeroSum() {
    MultiLayerNetwork network = cliCnn(8, 4300);
    ClippableGradients empty =
        MultiLayerClipping.of(network, GradientMethod.LAYERWISE)
            .gradients(Nd4j.create(DataType.FLOAT, 0, 64), Nd4j.create(DataType.FLOAT, 0, 10));
    ClippedSum result = FlatClipper.of(1.0).clipAndSum(empty);
    assertEquals(0, result.batchSize());
    assertEquals(0.0, result.sum().norm2Number().doubleValue());
    assertEquals(network.numParams(), result.sum().length());
    assertTrue(empty.meanLoss().isEmpty());
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void nonFiniteExamplesAreSkippedOrRejected(double bad) {
    MultiLayerNetwork network = cliCnn(8, 4400);
    INDArray x = TestNetworks.gaussian(4401, 6, 64, 1.0);
    INDArray y = TestNetworks.labels(4402, 6, 10, Head.SOFTMAX_MCXENT);
    INDArray finite = x.getRows(0, 1, 3, 5);
    INDArray finiteLabels = y.getRows(0, 1, 3, 5);
    x.putScalar(2, 17, bad);
    x.putScalar(4, 0, bad);
    MultiLayerClipping clipping = MultiLayerClipping.of(network, GradientMethod.LAYERWISE);
    double[] norms = clipping.perExampleNorms(x, y);
    assertTrue(!Double.isFinite(norms[2]) && !Double.isFinite(norms[4]), Arrays.toString(norms));
    ClippedSum skipped = clip(clipping, x, y, 0.5, NonFiniteGradientPolicy.SKIP_EXAMPLE);
    assertEquals(2, skipped.nonFiniteCount());
    assertEquals(6, skipped.batchSize());
    // The sum equals the sum over the four finite examples.
    INDArray expected =
        clip(clipping, finite, finiteLabels, 0.5, NonFiniteGradientPolicy.SKIP_EXAMPLE).sum();
    assertSumsClose(expected, skipped.sum(), 0.5);
    INDArray before = network.params().dup();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> clip(clipping, x, y, 0.5, NonFiniteGradientPolicy.REJECT_BATCH));
    assertTrue(
        e.getMessage()
            .startsWith(
                "gradients must be finite (REJECT_BATCH), got a " + "non-finite gradient norm"),
        e.getMessage());
    assertEquals(before, network.params(), "state unchanged");
  }

  @Test
  void badClipNormsAndShapesAreRejected() {
    MultiLayerNetwork network = cliCnn(8, 4500);
    MultiLayerClipping clipping = MultiLayerClipping.of(network, GradientMethod.LAYERWISE);
    INDArray x = TestNetworks.gaussian(4501, 3, 64, 1.0);
    INDArray y = TestNetworks.labels(4502, 3, 10, Head.SOFTMAX_MCXENT);
    for (double bad :
        new double[] {Double.NaN, Double.POSITIVE_INFINITY, 0.0, -1.0, Double.NEGATIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> clip(clipping, x, y, bad, NonFiniteGradientPolicy.SKIP_EXAMPLE));
      assertEquals("clipNorm must be positive and finite, got " + bad, e.getMessage());
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> clip(clipping, x, y.getRows(0, 1), 1.0, NonFiniteGradientPolicy.SKIP_EXAMPLE));
    assertEquals("labels.size(0) must be equal to features.size(0) 3, got 2", e.getMessage());
  }

  @Test
  void unsupportedLayersAreNamed() {
    MultiLayerNetwork dilated =
        build(
            builder(4600)
                .layer(
                    new ConvolutionLayer.Builder(3, 3)
                        .dilation(2, 2)
                        .nOut(2)
                        .activation(Activation.TANH)
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(8, 8, 1)),
            4600);
    assertEquals(
        "layer 0 (ConvolutionLayer) must have dilation 1, got [2, 2] (dilated "
            + "convolutions are not supported; use BATCH_OF_ONE)",
        MultiLayerClipping.unsupportedReason(dilated, GradientMethod.LAYERWISE).orElseThrow());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NetworkGradients.forNetwork(dilated, GradientMethod.LAYERWISE));
    assertTrue(
        e.getMessage()
            .startsWith(
                "network must be supported by layerwise clipping, got "
                    + "layer 0 (ConvolutionLayer) must have dilation 1"),
        e.getMessage());
    assertEquals(
        GradientMethod.BATCH_OF_ONE,
        NetworkGradients.forNetwork(dilated, GradientMethod.AUTO).method());

    MultiLayerNetwork separable =
        build(
            builder(4601)
                .layer(
                    new SeparableConvolution2D.Builder(2, 2)
                        .nOut(2)
                        .activation(Activation.TANH)
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1)),
            4601);
    assertTrue(
        MultiLayerClipping.unsupportedReason(separable, GradientMethod.LAYERWISE)
            .orElseThrow()
            .startsWith("layer 0 (SeparableConvolution2D) is not a ConvolutionLayer"));

    MultiLayerNetwork pnorm =
        build(
            builder(4602)
                .layer(
                    new SubsamplingLayer.Builder(PoolingType.PNORM)
                        .pnorm(2)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1)),
            4602);
    assertEquals(
        "layer 0 (SubsamplingLayer) must use MAX or AVG pooling, got PNORM",
        MultiLayerClipping.unsupportedReason(pnorm, GradientMethod.LAYERWISE).orElseThrow());

    MultiLayerNetwork dropout =
        build(
            builder(4603)
                .layer(
                    new ConvolutionLayer.Builder(2, 2).nOut(2).activation(Activation.TANH).build())
                .layer(
                    new DenseLayer.Builder()
                        .nOut(4)
                        .dropOut(0.5)
                        .activation(Activation.TANH)
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1)),
            4603);
    // Dropout on a dense layer's input is applied by the rules (InputDropoutTest).
    assertEquals(
        Optional.empty(), MultiLayerClipping.unsupportedReason(dropout, GradientMethod.LAYERWISE));

    // Batch normalization mixes examples: LayerValidator rejects it before any method is chosen.
    MultiLayerNetwork batchNorm =
        build(
            builder(4604)
                .layer(
                    new ConvolutionLayer.Builder(2, 2).nOut(2).activation(Activation.TANH).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1)),
            4604);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NetworkGradients.forNetwork(batchNorm, GradientMethod.AUTO));
    assertTrue(
        e.getMessage()
            .startsWith("layer 1 (BatchNormalization) must not mix the " + "examples of a batch"),
        e.getMessage());
  }

  @Test
  void denseNetworksAreSupportedToo() {
    MultiLayerNetwork network =
        TestNetworks.mlp(
            4700, 5, new int[] {6}, Activation.TANH, Head.SOFTMAX_MCXENT, 3, true, true);
    INDArray x = TestNetworks.gaussian(4701, 8, 5, 1.0);
    INDArray y = TestNetworks.labels(4702, 8, 3, Head.SOFTMAX_MCXENT);
    assertEquals(
        GradientMethod.LAYERWISE,
        NetworkGradients.forNetwork(network, GradientMethod.LAYERWISE).method());
    assertEqualsBatchOfOne(network, x, y);
  }

  private static void assertEqualsBatchOfOne(MultiLayerNetwork network, INDArray x, INDArray y) {
    RuleChecks.assertEqualsBatchOfOne(network, GradientMethod.LAYERWISE, x, y);
  }

  private static void assertSumsClose(INDArray expected, INDArray actual, double clipNorm) {
    TestNetworks.assertSumsClose(expected, actual, clipNorm, RELATIVE_TOLERANCE);
  }
}

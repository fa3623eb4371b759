package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.dropout.AlphaDropout;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.dropout.GaussianNoise;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.dropout.SpatialDropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Dropout ({@link InputDropout}) against the batch-of-one loop on identical masks ({@link
 * FixedMaskDropout}): on the input of dense, output, convolution and PReLU layers and as a {@link
 * DropoutLayer}, ignored where DL4J ignores it; DL4J's own dropouts wired through the same path;
 * refusals.
 */
class InputDropoutTest {

  private static final int BATCH = 7;

  @ParameterizedTest(name = "bias {0}")
  @ValueSource(booleans = {true, false})
  void dropoutOnDenseAndOutputInputsEqualsTheBatchOfOneLoop(boolean bias) {
    long seed = 7600 + (bias ? 1 : 0);
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(dense(5, 6, bias).dropOut(new FixedMaskDropout(1, 0.7, BATCH)).build())
                .layer(
                    dense(6, 4, bias)
                        .hasLayerNorm(true)
                        .dropOut(new FixedMaskDropout(2, 0.9, BATCH))
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(4)
                        .nOut(3)
                        .hasBias(bias)
                        .activation(Activation.SOFTMAX)
                        .dropOut(new FixedMaskDropout(3, 0.8, BATCH))
                        .build()),
            seed);
    assertEquals(
        GradientMethod.GHOST, NetworkGradients.forNetwork(network, GradientMethod.AUTO).method());
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        TestNetworks.gaussian(seed + 2, BATCH, 5, 1.0),
        TestNetworks.labels(seed + 3, BATCH, 3, Head.SOFTMAX_MCXENT),
        0,
        1,
        2);
  }

  @Test
  void aDropoutLayerAndAnIgnoredDropoutEqualTheBatchOfOneLoop() {
    long seed = 7610;
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(dense(5, 6, true).build())
                .layer(
                    new DropoutLayer.Builder().dropOut(new FixedMaskDropout(4, 0.5, BATCH)).build())
                .layer(
                    new ActivationLayer.Builder()
                        .activation(Activation.SIGMOID)
                        .dropOut(new FixedMaskDropout(5, 0.5, BATCH))
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(6)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build()),
            seed);
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        TestNetworks.gaussian(seed + 2, BATCH, 5, 1.0),
        TestNetworks.labels(seed + 3, BATCH, 3, Head.SOFTMAX_MCXENT),
        0,
        1,
        2,
        3);
  }

  @Test
  void dropoutOnConvolutionPReLUAndIgnoredOnPoolingEqualsTheBatchOfOneLoop() {
    long seed = 7620;
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(
                    new ConvolutionLayer.Builder(2, 2)
                        .nOut(3)
                        .activation(Activation.TANH)
                        .dropOut(new FixedMaskDropout(6, 0.7, BATCH))
                        .build())
                .layer(
                    new PReLULayer.Builder()
                        .inputShape(3, 3, 3)
                        .sharedAxes(2, 3)
                        .dropOut(new FixedMaskDropout(7, 0.7, BATCH))
                        .build())
                .layer(
                    new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                        .kernelSize(2, 2)
                        .stride(1, 1)
                        .dropOut(new FixedMaskDropout(8, 0.5, BATCH))
                        .build())
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
        TestNetworks.gaussian(seed + 2, BATCH, 32, 1.0).reshape('c', BATCH, 2, 4, 4),
        TestNetworks.labels(seed + 3, BATCH, 3, Head.SOFTMAX_MCXENT),
        0,
        1,
        2,
        3);
  }

  /** DL4J's dropouts at settings that keep every activation: the same path, no randomness. */
  @Test
  void dl4jDropoutsGoThroughTheSamePath() {
    long seed = 7630;
    List<IDropout> keepAll =
        List.of(
            new Dropout(1.0),
            new AlphaDropout(1.0),
            new GaussianDropout(0.0),
            new GaussianNoise(0));
    for (IDropout dropout : keepAll) {
      MultiLayerNetwork network =
          TestNetworks.build(
              TestNetworks.builder(seed)
                  .layer(dense(5, 6, true).build())
                  .layer(dense(6, 4, true).dropOut(dropout).build())
                  .layer(
                      new OutputLayer.Builder(LossFunction.MCXENT)
                          .nIn(4)
                          .nOut(3)
                          .activation(Activation.SOFTMAX)
                          .build()),
              seed);
      assertEquals(
          GradientMethod.GHOST,
          NetworkGradients.forNetwork(network, GradientMethod.AUTO).method(),
          dropout.toString());
      RuleChecks.assertRulesEqualBatchOfOne(
          network,
          GradientMethod.GHOST,
          TestNetworks.gaussian(seed + 2, BATCH, 5, 1.0),
          TestNetworks.labels(seed + 3, BATCH, 3, Head.SOFTMAX_MCXENT),
          0,
          1,
          2);
    }
    MultiLayerNetwork spatial =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(
                    new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.TANH).build())
                .layer(
                    new ConvolutionLayer.Builder(2, 2)
                        .nOut(2)
                        .activation(Activation.TANH)
                        .dropOut(new SpatialDropout(1.0))
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(4, 4, 1)),
            seed);
    RuleChecks.assertRulesEqualBatchOfOne(
        spatial,
        GradientMethod.LAYERWISE,
        TestNetworks.gaussian(seed + 2, BATCH, 16, 1.0).reshape('c', BATCH, 1, 4, 4),
        TestNetworks.labels(seed + 3, BATCH, 3, Head.SOFTMAX_MCXENT),
        0,
        1,
        2);
  }

  /** Real dropout: every example gets its own mask (identical examples, different gradients). */
  @Test
  void dl4jDropoutDrawsOneMaskPerExample() {
    long seed = 7640;
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(dense(5, 40, true).dropOut(new Dropout(0.5)).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(40)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build()),
            seed);
    INDArray one = TestNetworks.gaussian(seed + 2, 1, 5, 1.0);
    INDArray x = org.nd4j.linalg.factory.Nd4j.repeat(one, 4).reshape(4, 5);
    INDArray y =
        org.nd4j.linalg.factory.Nd4j.repeat(
                TestNetworks.labels(seed + 3, 1, 3, Head.SOFTMAX_MCXENT), 4)
            .reshape(4, 3);
    double[] norms = MultiLayerClipping.of(network, GradientMethod.GHOST).perExampleNorms(x, y);
    for (double norm : norms) {
      assertTrue(Double.isFinite(norm) && norm > 0, "norm " + norm);
    }
    // 40 units kept with probability 1/2 each: two examples share a mask with probability 2^-40.
    assertNotEquals(norms[0], norms[1]);
    assertNotEquals(norms[2], norms[3]);
  }

  @Test
  void anotherDropoutClassIsRefusedAndAutoFallsBackToTheLoop() {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(7650)
                .layer(dense(5, 4, true).dropOut(new OwnDropout()).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MSE)
                        .nIn(4)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .build()),
            7650);
    assertEquals(
        "layer 0 (DenseLayer) uses dropout OwnDropout, which is not one of DL4J's per-example "
            + "dropouts (Dropout, AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout)",
        MultiLayerClipping.unsupportedReason(network, GradientMethod.GHOST).orElseThrow());
    assertEquals(
        GradientMethod.BATCH_OF_ONE,
        NetworkGradients.forNetwork(network, GradientMethod.AUTO).method());
  }

  @Test
  void dropoutOnALayerWhoseRuleDoesNotApplyItIsRefused() {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(7660)
                .layer(new EmbeddingLayer.Builder().nIn(6).nOut(4).dropOut(0.5).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MSE)
                        .nIn(4)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .build()),
            7660);
    assertEquals(
        "layer 0 (EmbeddingLayer) uses dropout, which its rule does not apply; remove it, or put a "
            + "DropoutLayer before the layer",
        MultiLayerClipping.unsupportedReason(network, GradientMethod.GHOST).orElseThrow());
  }

  @Test
  void spatialDropoutOnADenseLayerIsRefused() {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(7670)
                .layer(dense(5, 4, true).dropOut(new SpatialDropout(0.5)).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MSE)
                        .nIn(4)
                        .nOut(2)
                        .activation(Activation.IDENTITY)
                        .build()),
            7670);
    assertEquals(
        "layer 0 (DenseLayer) uses SpatialDropout, which needs [B, C, ...] inputs (DL4J applies "
            + "it to the rows of a dense layer's input, where it fails); use Dropout",
        MultiLayerClipping.unsupportedReason(network, GradientMethod.GHOST).orElseThrow());
  }

  private static DenseLayer.Builder dense(int in, int out, boolean bias) {
    return new DenseLayer.Builder().nIn(in).nOut(out).hasBias(bias).activation(Activation.TANH);
  }

  /** A dropout of a class the rules do not know. */
  private static final class OwnDropout implements IDropout {
    private static final long serialVersionUID = 1L;

    @Override
    public INDArray applyDropout(
        INDArray input, INDArray result, int iteration, int epoch, LayerWorkspaceMgr workspaces) {
      return result.assign(input);
    }

    @Override
    public INDArray backprop(
        INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
      return gradAtInput.assign(gradAtOutput);
    }

    @Override
    public void clear() {}

    @Override
    public IDropout clone() {
      return this;
    }
  }
}

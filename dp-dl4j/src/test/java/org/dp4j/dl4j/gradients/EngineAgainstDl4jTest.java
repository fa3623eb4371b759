package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.dp4j.training.clipping.ClippableGradients;
import org.dp4j.training.clipping.FlatClipper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The engine's own forward and backward passes (host im2col and pooling loops, tanh kernel,
 * workspace) against DL4J's: every layer's activations, the loss, and the plain gradient sum equal
 * DL4J's {@code feedForward}, {@code score} and {@code computeGradientAndScore} within float
 * tolerance; results do not depend on the number of threads or on earlier calls' memory.
 */
class EngineAgainstDl4jTest {

  /** Float passes that differ in summation order and in the tanh kernel's 4.2e-7: far below. */
  private static final double TOLERANCE = 1e-4;

  /** The CNN of {@code dp4j train --model cnn} on 28x28 inputs. */
  private static MultiLayerNetwork cliCnn(long seed) {
    return LayerwiseClippingTest.cliCnn(28, seed);
  }

  /** A CNN with average pooling over overlapping windows, padding and a ReLU convolution. */
  private static MultiLayerNetwork otherCnn(long seed) {
    return TestNetworks.build(
        TestNetworks.builder(seed)
            .layer(
                new ConvolutionLayer.Builder(3, 3)
                    .nOut(4)
                    .padding(1, 1)
                    .activation(Activation.RELU)
                    .build())
            .layer(
                new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(3, 3).stride(2, 2).build())
            .layer(
                new ConvolutionLayer.Builder(2, 2)
                    .nOut(5)
                    .convolutionMode(ConvolutionMode.Same)
                    .activation(Activation.TANH)
                    .build())
            .layer(
                new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(1, 1).build())
            .layer(
                new OutputLayer.Builder(LossFunction.MCXENT)
                    .nOut(3)
                    .activation(Activation.SOFTMAX)
                    .build())
            .setInputType(InputType.convolutionalFlat(9, 10, 2)),
        seed);
  }

  private static MultiLayerNetwork network(int which, long seed) {
    return switch (which) {
      case 0 -> cliCnn(seed);
      case 1 -> otherCnn(seed);
      default ->
          TestNetworks.mlp(
              seed, 12, new int[] {9, 7}, Activation.TANH, Head.SOFTMAX_MCXENT, 3, true, false);
    };
  }

  @ParameterizedTest(name = "network {0}")
  @ValueSource(ints = {0, 1, 2})
  void activationsLossAndGradientSumEqualDl4j(int which) {
    long seed = 9100 + which;
    MultiLayerNetwork network = network(which, seed);
    int features =
        switch (which) {
          case 0 -> 28 * 28;
          case 1 -> 9 * 10 * 2;
          default -> 12;
        };
    int classes = which == 0 ? 10 : 3;
    INDArray x = TestNetworks.gaussian(seed + 2, 5, features, 1.0);
    INDArray y = TestNetworks.labels(seed + 3, 5, classes, Head.SOFTMAX_MCXENT);
    MultiLayerClipping engine = MultiLayerClipping.of(network, GradientMethod.LAYERWISE);

    // Activations: every rule's output that is a layer's output, except the last layer's
    // (whose output is the loss's input).
    List<INDArray> expected = network.feedForward(x, false);
    MultiLayerClipping.Backward pass = engine.backward(x, y);
    List<String> names = engine.ruleNames();
    int layer = 0;
    for (int k = 0; k < names.size(); k++) {
      if (names.get(k).contains("preprocessor")) {
        continue;
      }
      if (layer < network.getnLayers() - 1) {
        assertClose(
            expected.get(layer + 1),
            pass.passes().get(k).output(),
            "activations of " + names.get(k));
      }
      layer++;
    }

    // Loss and the plain gradient sum: DL4J's batch gradient is a sum over the batch.
    network.setInput(x);
    network.setLabels(y);
    network.computeGradientAndScore(LayerWorkspaceMgr.noWorkspaces());
    INDArray dl4jGradient = network.gradient().gradient().dup();
    double dl4jScore = network.score();
    MultiLayerClipping.GradientSum sum = engine.gradientSum(x, y);
    assertEquals(dl4jScore, sum.meanLoss(), TOLERANCE * Math.abs(dl4jScore), "mean loss");
    TestNetworks.assertSumsClose(dl4jGradient.reshape(1, -1), sum.sum(), 1.0, TOLERANCE);
  }

  private static void assertClose(INDArray expected, INDArray actual, String what) {
    float[] e = expected.dup('c').data().asFloat();
    float[] a = actual.dup('c').data().asFloat();
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], TOLERANCE * Math.max(1.0, Math.abs(e[i])), what + ", entry " + i);
    }
  }

  /** The host loops split the batch over ND4J's threads; the split changes nothing. */
  @Test
  void twoThreadsGiveTheSameNormsAndSumsAsOne() {
    MultiLayerNetwork network = cliCnn(9200);
    INDArray x = TestNetworks.gaussian(9202, 9, 28 * 28, 1.0);
    INDArray y = TestNetworks.labels(9203, 9, 10, Head.SOFTMAX_MCXENT);
    MultiLayerClipping engine = MultiLayerClipping.of(network, GradientMethod.LAYERWISE);
    int threads = Nd4j.getEnvironment().maxThreads();
    try {
      Nd4j.getEnvironment().setMaxThreads(1);
      double[] oneNorms = engine.perExampleNorms(x, y);
      INDArray oneSum = FlatClipper.of(0.5).clipAndSum(engine.gradients(x, y)).sum();
      Nd4j.getEnvironment().setMaxThreads(2);
      double[] twoNorms = engine.perExampleNorms(x, y);
      INDArray twoSum = FlatClipper.of(0.5).clipAndSum(engine.gradients(x, y)).sum();
      for (int i = 0; i < oneNorms.length; i++) {
        // ND4J's matrix products may split differently over threads: float rounding only.
        assertEquals(oneNorms[i], twoNorms[i], 1e-6 * oneNorms[i], "norm of example " + i);
      }
      TestNetworks.assertSumsClose(oneSum, twoSum, 0.5, 1e-6);
    } finally {
      Nd4j.getEnvironment().setMaxThreads(threads);
    }
  }

  /**
   * A call's clipped sum lives outside the engine's workspace: later calls (a larger batch, which
   * regrows the workspace, then a smaller one) leave it unchanged, and each equals the loop.
   */
  @Test
  void resultsOutliveLaterCallsOfOtherBatchSizes() {
    MultiLayerNetwork network = cliCnn(9300);
    MultiLayerClipping engine = MultiLayerClipping.of(network, GradientMethod.LAYERWISE);
    INDArray first = null;
    INDArray firstCopy = null;
    for (int batch : new int[] {3, 11, 2}) {
      INDArray x = TestNetworks.gaussian(9300 + batch, batch, 28 * 28, 1.0);
      INDArray y = TestNetworks.labels(9400 + batch, batch, 10, Head.SOFTMAX_MCXENT);
      INDArray sum = FlatClipper.of(0.1).clipAndSum(engine.gradients(x, y)).sum();
      if (first == null) {
        first = sum;
        firstCopy = sum.dup();
      }
      RuleChecks.assertEqualsBatchOfOne(network, GradientMethod.LAYERWISE, x, y);
    }
    assertEquals(firstCopy, first);
  }

  /**
   * Between a batch's gradients and its weighted sum the engine's workspace is not current: arrays
   * made in between (as the optimizer's hooks may) are ordinary allocations, and the sum is the
   * same as without them. A batch's weighted sum after the thread's next batch is refused.
   */
  @Test
  void arraysMadeBetweenGradientsAndSumAreOrdinaryAllocations() {
    MultiLayerNetwork network = cliCnn(9600);
    MultiLayerClipping engine = MultiLayerClipping.of(network, GradientMethod.LAYERWISE);
    INDArray x = TestNetworks.gaussian(9602, 6, 28 * 28, 1.0);
    INDArray y = TestNetworks.labels(9603, 6, 10, Head.SOFTMAX_MCXENT);
    INDArray expected = FlatClipper.of(0.2).clipAndSum(engine.gradients(x, y)).sum();

    ClippableGradients pending = engine.gradients(x, y);
    assertNull(Nd4j.getMemoryManager().getCurrentWorkspace(), "no current workspace");
    INDArray between = Nd4j.ones(DataType.FLOAT, 1000).muli(3);
    assertFalse(between.isAttached(), "an array made between gradients and sum");
    INDArray sum = FlatClipper.of(0.2).clipAndSum(pending).sum();
    assertFalse(sum.isAttached(), "the sum");
    assertEquals(expected, sum);
    assertEquals(3000.0, between.sumNumber().doubleValue(), 0.0);
    assertNull(Nd4j.getMemoryManager().getCurrentWorkspace(), "no current workspace after");

    ClippableGradients stale = engine.gradients(x, y);
    ClippableGradients next = engine.gradients(x, y);
    float[] ones = new float[6];
    Arrays.fill(ones, 1f);
    assertThrows(IllegalStateException.class, () -> stale.weightedSum(ones));
    assertEquals(expected, FlatClipper.of(0.2).clipAndSum(next).sum());
  }

  /** A DOUBLE network takes the general (ND4J) path of the convolution and pooling rules. */
  @Test
  void doubleCnnsTakeTheGeneralPathAndEqualTheLoop() {
    MultiLayerNetwork network =
        LayerwiseClippingTest.cliCnn(8, 9500).convertDataType(DataType.DOUBLE);
    INDArray x = TestNetworks.gaussian(9502, 5, 64, 1.0).castTo(DataType.DOUBLE);
    INDArray y = TestNetworks.labels(9503, 5, 10, Head.SOFTMAX_MCXENT).castTo(DataType.DOUBLE);
    RuleChecks.assertEqualsBatchOfOne(network, GradientMethod.LAYERWISE, x, y);
  }

  /** Pooling with padding runs DL4J's own pooling pass. */
  @Test
  void paddedPoolingRunsDl4jsPassAndEqualsTheLoop() {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(9600)
                .layer(
                    new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.TANH).build())
                .layer(
                    new SubsamplingLayer.Builder(PoolingType.MAX)
                        .kernelSize(2, 2)
                        .stride(2, 2)
                        .padding(1, 1)
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1)),
            9600);
    INDArray x = TestNetworks.gaussian(9602, 4, 36, 1.0);
    RuleChecks.assertEqualsBatchOfOne(
        network, GradientMethod.LAYERWISE, x, TestNetworks.labels(9603, 4, 3, Head.SOFTMAX_MCXENT));
  }
}

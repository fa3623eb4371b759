package org.dp4j.dl4j.gradients;

import static org.dp4j.dl4j.gradients.RuleChecks.clip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.dp4j.training.clipping.ClippableGradients;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.dp4j.training.clipping.PerExampleGradients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Ghost clipping against the exact batch-of-one loop: per-example norms and clipped sums agree
 * within 1e-4 relative for every supported activation, loss, bias setting and output kind.
 */
class GhostClippingTest {

  /** Float forward/backward passes differ in summation order only: far below this. */
  private static final double RELATIVE_TOLERANCE = 1e-4;

  static Stream<Arguments> networks() {
    List<Arguments> cases = new ArrayList<>();
    Activation[] hidden = {
      Activation.TANH,
      Activation.RELU,
      Activation.SIGMOID,
      Activation.LEAKYRELU,
      Activation.ELU,
      Activation.SOFTPLUS,
      Activation.IDENTITY,
      Activation.SOFTMAX
    };
    long seed = 100;
    for (Head head : Head.values()) {
      for (int k = 0; k < 2; k++) {
        Activation act = hidden[(int) (seed % hidden.length)];
        cases.add(Arguments.of(seed++, act, head, k == 0, false));
      }
      cases.add(Arguments.of(seed++, hidden[(int) (seed % hidden.length)], head, true, true));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "seed {0}: {1} hidden, {2}, bias {3}, lossLayer {4}")
  @MethodSource("networks")
  void normsAndClippedSumsEqualTheBatchOfOneLoop(
      long seed, Activation activation, Head head, boolean bias, boolean lossLayer) {
    int nIn = 7;
    int nOut = 4;
    int batch = 13;
    MultiLayerNetwork network =
        TestNetworks.mlp(seed, nIn, new int[] {9, 6}, activation, head, nOut, bias, lossLayer);
    INDArray x = TestNetworks.gaussian(seed + 2, batch, nIn, 1.0);
    INDArray y = TestNetworks.labels(seed + 3, batch, nOut, head);
    MultiLayerClipping ghost = MultiLayerClipping.of(network, GradientMethod.GHOST);

    INDArray exact = BatchOfOneGradients.perExampleGradients(network, x, y);
    double[] norms = ghost.perExampleNorms(x, y);
    double[] exactNorms = new double[batch];
    for (int i = 0; i < batch; i++) {
      INDArray row = exact.getRow(i).castTo(DataType.DOUBLE);
      exactNorms[i] = Math.sqrt(row.mul(row).sumNumber().doubleValue());
      assertEquals(
          exactNorms[i],
          norms[i],
          RELATIVE_TOLERANCE * exactNorms[i] + 1e-12,
          "norm of example " + i);
    }
    java.util.Arrays.sort(exactNorms);
    int firstPositive = 0;
    while (exactNorms[firstPositive] == 0) { // a hinge loss can have zero gradients
      firstPositive++;
    }
    // Clip norms below, at the median of and above every example's norm.
    for (double clipNorm :
        new double[] {
          exactNorms[firstPositive] / 3,
          Math.sqrt(exactNorms[batch / 2] * exactNorms[batch / 2 + 1]),
          exactNorms[batch - 1] * 2
        }) {
      ClippedSum expected =
          FlatClipper.of(clipNorm).clipAndSum(PerExampleGradients.ofMatrix(exact));
      ClippedSum actual = clip(ghost, x, y, clipNorm, NonFiniteGradientPolicy.SKIP_EXAMPLE);
      assertSumsClose(expected.sum(), actual.sum(), clipNorm);
      assertEquals(expected.clippedCount(), actual.clippedCount());
      assertEquals(expected.withinNormCount(), actual.withinNormCount());
      assertEquals(clipNorm, actual.l2Sensitivity());
    }
  }

  @ParameterizedTest(name = "embedding bias {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void embeddingLayersEqualTheBatchOfOneLoop(boolean bias) {
    int vocabulary = 12;
    int batch = 15;
    org.deeplearning4j.nn.conf.MultiLayerConfiguration conf =
        new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
            .dataType(DataType.FLOAT)
            .updater(new org.nd4j.linalg.learning.config.Sgd(0.1))
            .list()
            .layer(
                new org.deeplearning4j.nn.conf.layers.EmbeddingLayer.Builder()
                    .nIn(vocabulary)
                    .nOut(5)
                    .hasBias(bias)
                    .activation(Activation.TANH)
                    .build())
            .layer(
                new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder()
                    .nIn(5)
                    .nOut(6)
                    .activation(Activation.RELU)
                    .build())
            .layer(
                new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT)
                    .nIn(6)
                    .nOut(3)
                    .activation(Activation.SOFTMAX)
                    .build())
            .build();
    MultiLayerNetwork network = new MultiLayerNetwork(conf);
    network.init();
    TestNetworks.randomizeParameters(network, 300, 0.7);
    float[][] ids = new float[batch][1];
    java.util.SplittableRandom random = new java.util.SplittableRandom(301);
    for (int i = 0; i < batch; i++) {
      ids[i][0] = random.nextInt(vocabulary);
    }
    INDArray x = Nd4j.createFromArray(ids);
    INDArray y = TestNetworks.labels(302, batch, 3, Head.SOFTMAX_MCXENT);
    MultiLayerClipping ghost = MultiLayerClipping.of(network, GradientMethod.GHOST);
    INDArray exact = BatchOfOneGradients.perExampleGradients(network, x, y);
    double[] norms = ghost.perExampleNorms(x, y);
    for (int i = 0; i < batch; i++) {
      INDArray row = exact.getRow(i).castTo(DataType.DOUBLE);
      double expected = Math.sqrt(row.mul(row).sumNumber().doubleValue());
      assertEquals(expected, norms[i], RELATIVE_TOLERANCE * expected + 1e-12, "norm " + i);
    }
    double clipNorm = norms[0] * 0.8;
    ClippedSum expected = FlatClipper.of(clipNorm).clipAndSum(PerExampleGradients.ofMatrix(exact));
    ClippedSum actual = clip(ghost, x, y, clipNorm, NonFiniteGradientPolicy.SKIP_EXAMPLE);
    assertSumsClose(expected.sum(), actual.sum(), clipNorm);
    assertEquals(expected.clippedCount(), actual.clippedCount());

    INDArray bad = x.dup();
    bad.putScalar(3, 0, vocabulary);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ghost.perExampleNorms(bad, y));
    assertEquals("features[3] must be an integer index in [0, 12), got 12.0", e.getMessage());
  }

  @Test
  void meanLossEqualsDl4jScore() {
    MultiLayerNetwork network =
        TestNetworks.mlp(5, 6, new int[] {8}, Activation.TANH, Head.SOFTMAX_MCXENT, 3, true, false);
    INDArray x = TestNetworks.gaussian(6, 20, 6, 1.0);
    INDArray y = TestNetworks.labels(7, 20, 3, Head.SOFTMAX_MCXENT);
    double loss =
        MultiLayerClipping.of(network, GradientMethod.GHOST)
            .gradients(x, y)
            .meanLoss()
            .orElseThrow();
    double score = network.score(new org.nd4j.linalg.dataset.DataSet(x, y), false);
    assertEquals(score, loss, 1e-5 * Math.abs(score));
  }

  @Test
  void everyClippedExampleStaysInsideTheBall() {
    MultiLayerNetwork network =
        TestNetworks.mlp(
            11, 5, new int[] {16}, Activation.RELU, Head.SOFTMAX_MCXENT, 3, true, false);
    INDArray y = TestNetworks.labels(13, 1, 3, Head.SOFTMAX_MCXENT);
    MultiLayerClipping ghost = MultiLayerClipping.of(network, GradientMethod.GHOST);
    for (int i = 0; i < 20; i++) {
      // A batch of one: the clipped sum is that example's clipped gradient.
      INDArray x = TestNetworks.gaussian(200 + i, 1, 5, 3.0);
      double clipNorm = 0.37;
      double unclipped = ghost.perExampleNorms(x, y)[0];
      INDArray sum =
          clip(ghost, x, y, clipNorm, NonFiniteGradientPolicy.SKIP_EXAMPLE)
              .sum()
              .castTo(DataType.DOUBLE);
      double norm = Math.sqrt(sum.mul(sum).sumNumber().doubleValue());
      assertTrue(norm <= clipNorm, "norm " + norm + " > " + clipNorm);
      double expected = Math.min(unclipped, clipNorm);
      assertEquals(expected, norm, 1e-4 * expected, "clipped norm");
    }
  }

  @Test
  void nonFiniteExamplesAreSkippedOrRejected() {
    MultiLayerNetwork network =
        TestNetworks.mlp(21, 4, new int[] {5}, Activation.TANH, Head.IDENTITY_MSE, 2, true, false);
    INDArray x = TestNetworks.gaussian(22, 6, 4, 1.0);
    INDArray y = TestNetworks.labels(23, 6, 2, Head.IDENTITY_MSE);
    INDArray finiteX = x.dup();
    x.putScalar(2, 1, Double.NaN);
    x.putScalar(4, 0, Double.POSITIVE_INFINITY);
    MultiLayerClipping ghost = MultiLayerClipping.of(network, GradientMethod.GHOST);
    ClippedSum skipped = clip(ghost, x, y, 1.0, NonFiniteGradientPolicy.SKIP_EXAMPLE);
    assertEquals(2, skipped.nonFiniteCount());
    // The sum equals the sum over the four finite examples.
    INDArray expected =
        clip(
                ghost,
                finiteX.getRows(0, 1, 3, 5),
                y.getRows(0, 1, 3, 5),
                1.0,
                NonFiniteGradientPolicy.SKIP_EXAMPLE)
            .sum();
    assertSumsClose(expected, skipped.sum(), 1.0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> clip(ghost, x, y, 1.0, NonFiniteGradientPolicy.REJECT_BATCH));
    assertTrue(e.getMessage().contains("finite"), e.getMessage());
  }

  @Test
  void emptyBatchGivesAZeroSum() {
    MultiLayerNetwork network =
        TestNetworks.mlp(
            31, 4, new int[] {5}, Activation.TANH, Head.SOFTMAX_MCXENT, 3, true, false);
    ClippableGradients empty =
        MultiLayerClipping.of(network, GradientMethod.GHOST)
            .gradients(Nd4j.create(DataType.FLOAT, 0, 4), Nd4j.create(DataType.FLOAT, 0, 3));
    ClippedSum result = FlatClipper.of(1.0).clipAndSum(empty);
    assertEquals(0, result.batchSize());
    assertEquals(0.0, result.sum().norm2Number().doubleValue());
    assertEquals(network.numParams(), result.sum().length());
    assertTrue(empty.meanLoss().isEmpty());
  }

  @Test
  void badClipNormsAndShapesAreRejected() {
    MultiLayerNetwork network =
        TestNetworks.mlp(
            41, 4, new int[] {5}, Activation.TANH, Head.SOFTMAX_MCXENT, 3, true, false);
    MultiLayerClipping ghost = MultiLayerClipping.of(network, GradientMethod.GHOST);
    INDArray x = TestNetworks.gaussian(42, 3, 4, 1.0);
    INDArray y = TestNetworks.labels(43, 3, 3, Head.SOFTMAX_MCXENT);
    for (double bad :
        new double[] {Double.NaN, Double.POSITIVE_INFINITY, 0.0, -1.0, Double.NEGATIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> clip(ghost, x, y, bad, NonFiniteGradientPolicy.SKIP_EXAMPLE));
      assertTrue(e.getMessage().startsWith("clipNorm must be"), e.getMessage());
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> clip(ghost, x, y.getRows(0, 1), 1.0, NonFiniteGradientPolicy.SKIP_EXAMPLE));
    assertTrue(e.getMessage().startsWith("labels.size(0) must be"), e.getMessage());
  }

  @Test
  void doubleNetworksTakeTheGeneralPathAndAgreeWithTheBatchOfOneLoop() {
    MultiLayerNetwork network =
        TestNetworks.mlp(51, 6, new int[] {9}, Activation.TANH, Head.SOFTMAX_MCXENT, 3, true, false)
            .convertDataType(DataType.DOUBLE);
    assertEquals(DataType.DOUBLE, network.params().dataType());
    INDArray x = TestNetworks.gaussian(52, 11, 6, 1.0).castTo(DataType.DOUBLE);
    INDArray y = TestNetworks.labels(53, 11, 3, Head.SOFTMAX_MCXENT).castTo(DataType.DOUBLE);
    MultiLayerClipping ghost = MultiLayerClipping.of(network, GradientMethod.GHOST);
    INDArray exact = BatchOfOneGradients.perExampleGradients(network, x, y);
    ClippedSum expected = FlatClipper.of(0.5).clipAndSum(PerExampleGradients.ofMatrix(exact));
    ClippedSum actual = clip(ghost, x, y, 0.5, NonFiniteGradientPolicy.SKIP_EXAMPLE);
    assertEquals(DataType.FLOAT, actual.sum().dataType());
    assertEquals(expected.clippedCount(), actual.clippedCount());
    assertSumsClose(expected.sum(), actual.sum(), 0.5);
  }

  @Test
  void repeatedCallsWithChangingBatchSizesLeaveInputsAndResultsUnchanged() {
    MultiLayerNetwork network =
        TestNetworks.mlp(
            61, 5, new int[] {8, 7}, Activation.RELU, Head.SOFTMAX_MCXENT, 3, true, false);
    MultiLayerClipping ghost = MultiLayerClipping.of(network, GradientMethod.GHOST);
    INDArray params = network.params().dup();
    int[] sizes = {9, 1, 0, 17, 9, 1};
    List<INDArray> first = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int k = 0; k < sizes.length; k++) {
        INDArray x =
            sizes[k] == 0
                ? Nd4j.create(DataType.FLOAT, 0, 5)
                : TestNetworks.gaussian(62 + k, sizes[k], 5, 1.0);
        INDArray y =
            sizes[k] == 0
                ? Nd4j.create(DataType.FLOAT, 0, 3)
                : TestNetworks.labels(63 + k, sizes[k], 3, Head.SOFTMAX_MCXENT);
        INDArray xCopy = x.dup();
        INDArray yCopy = y.dup();
        INDArray sum = clip(ghost, x, y, 0.8, NonFiniteGradientPolicy.SKIP_EXAMPLE).sum();
        assertEquals(xCopy, x, "features must not be modified");
        assertEquals(yCopy, y, "labels must not be modified");
        if (round == 0) {
          first.add(sum);
        } else {
          // A fresh result on every call: the first round's sums are neither shared nor changed.
          assertTrue(first.get(k) != sum);
          assertEquals(first.get(k), sum, "batch " + k + " (size " + sizes[k] + ")");
        }
      }
    }
    assertEquals(params, network.params(), "parameters must not be modified");
  }

  @Test
  void viewsAndColumnMajorFeaturesGiveTheSameSum() {
    MultiLayerNetwork network =
        TestNetworks.mlp(
            71, 6, new int[] {5}, Activation.SIGMOID, Head.IDENTITY_MSE, 2, true, false);
    MultiLayerClipping ghost = MultiLayerClipping.of(network, GradientMethod.GHOST);
    INDArray wide = TestNetworks.gaussian(72, 10, 8, 1.0);
    INDArray view = wide.get(NDArrayIndex.interval(2, 9), NDArrayIndex.interval(1, 7));
    INDArray y = TestNetworks.labels(73, 7, 2, Head.IDENTITY_MSE);
    INDArray expected =
        clip(ghost, view.dup('c'), y, 0.3, NonFiniteGradientPolicy.SKIP_EXAMPLE).sum();
    for (INDArray x : new INDArray[] {view, view.dup('f')}) {
      INDArray actual = clip(ghost, x, y, 0.3, NonFiniteGradientPolicy.SKIP_EXAMPLE).sum();
      assertSumsClose(expected, actual, 0.3);
    }
  }

  static Stream<Arguments> rowNormCases() {
    return Stream.of(
        Arguments.of(DataType.FLOAT, 'c'),
        Arguments.of(DataType.FLOAT, 'f'),
        Arguments.of(DataType.DOUBLE, 'c'),
        Arguments.of(DataType.DOUBLE, 'f'),
        Arguments.of(DataType.HALF, 'c'));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("rowNormCases")
  void rowSquaredNormsMatchADoubleReferenceOnEveryLayout(DataType type, char order) {
    INDArray base = TestNetworks.gaussian(81, 12, 9, 2.0);
    base.putScalar(3, 4, Double.NaN);
    base.putScalar(5, 0, Double.POSITIVE_INFINITY);
    base.putScalar(7, 8, Double.NEGATIVE_INFINITY);
    base.getRow(9).assign(0);
    base.putScalar(10, 2, 3e38f); // its square overflows float, not the double accumulator
    INDArray m = base.castTo(type).dup(order);
    double[] actual = RowNorms.squared(m);
    double[] viewRows = RowNorms.squared(m.get(NDArrayIndex.interval(4, 8), NDArrayIndex.all()));
    double[][] values = m.castTo(DataType.DOUBLE).toDoubleMatrix();
    for (int i = 0; i < values.length; i++) {
      double expected = 0;
      for (double v : values[i]) {
        expected += v * v;
      }
      // Double sums of at most 9 terms: within 1e-12 relative whatever the order.
      double tolerance = Double.isFinite(expected) ? 1e-12 * expected : 0.0;
      assertEquals(expected, actual[i], tolerance, "row " + i);
      if (i >= 4 && i < 8) {
        assertEquals(expected, viewRows[i - 4], tolerance, "view row " + i);
      }
    }
    assertTrue(Double.isNaN(actual[3]));
    assertEquals(Double.POSITIVE_INFINITY, actual[5]);
    assertEquals(Double.POSITIVE_INFINITY, actual[7]);
    assertEquals(0.0, actual[9]);
    if (type != DataType.HALF) {
      assertTrue(Double.isFinite(actual[10]) && actual[10] > 8.9e76, "" + actual[10]);
    }
    assertEquals(0, RowNorms.squared(Nd4j.create(type, 0, 9)).length);
    assertEquals(0.0, RowNorms.squared(Nd4j.create(type, 2, 0))[1]);
  }

  private static void assertSumsClose(INDArray expected, INDArray actual, double clipNorm) {
    TestNetworks.assertSumsClose(expected, actual, clipNorm, RELATIVE_TOLERANCE);
  }
}

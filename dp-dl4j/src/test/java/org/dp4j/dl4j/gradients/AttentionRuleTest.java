package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.dp4j.dl4j.testing.TestNetworks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link SelfAttentionRule} against DL4J's own {@code SameDiffLayer} pass, layer by layer: for a
 * fixed output gradient {@code G}, the rule's output, input gradient, per-example parameter
 * gradient norms, clipped sums and plain gradient sum equal those of DL4J's {@code
 * backpropGradient} run once per example (a batch of one) and once over the batch, with and without
 * a features mask (sequence lengths 5, 1, 3, 4, 2), one and several heads, with and without
 * projection.
 *
 * <p>DL4J 1.0.0-M2.1's {@code SameDiffLayer} backward pass returns twice the gradient of its
 * output's inner product with {@code G} (its parameters' and its input's): {@link
 * #dl4jBackwardIsTwiceTheFiniteDifferenceAndTheRuleIsOnce} shows it against central finite
 * differences of DL4J's own forward pass, in double. The rule computes the gradient itself, so the
 * comparisons here halve DL4J's.
 */
class AttentionRuleTest {

  private static final double TOLERANCE = RuleChecks.RELATIVE_TOLERANCE;

  /** The factor by which DL4J 1.0.0-M2.1's SameDiffLayer backward pass exceeds the gradient. */
  static final double DL4J_SAMEDIFF_FACTOR = 2.0;

  private static final int STEPS = 5;
  private static final int[] LENGTHS = {5, 1, 3, 4, 2};

  @ParameterizedTest(name = "nIn {0}, heads {1}, head size {2}, project {3}, masked {4}")
  @CsvSource({
    "4, 1, 0, true, false",
    "4, 1, 0, true, true",
    "4, 2, 2, true, false",
    "4, 3, 2, true, true",
    "4, 2, 0, true, true",
    "8, 2, 4, true, true",
    "8, 4, 2, true, false",
    "4, 1, 0, false, false",
    "4, 1, 0, false, true"
  })
  void selfAttentionEqualsDl4jPerExample(
      int nIn, int heads, int headSize, boolean project, boolean mask) {
    int nOut = project ? 6 : nIn;
    long seed = 8100 + nIn * 1000L + heads * 10L + headSize * 100L + (project ? 2 : 0);
    MultiLayerNetwork network =
        network(
            seed + (mask ? 1 : 0), DataType.FLOAT, attention(nIn, nOut, heads, headSize, project));
    assertEqualsDl4j(network, seed, nIn, mask ? LENGTHS : null);
  }

  /**
   * An example whose every step is padded: DL4J's penalty {@code -1e9} swamps its scores in float,
   * so its keys are weighted uniformly; the rule adds the same penalty in the same type and agrees.
   */
  @Test
  void anExampleWithEveryStepPaddedEqualsDl4j() {
    MultiLayerNetwork network = network(8150, DataType.FLOAT, attention(4, 6, 2, 0, true));
    assertEqualsDl4j(network, 8150, 4, new int[] {3, 0, 5, 2, 1});
  }

  /** With nIn 8 and 8 projected features over 5 steps, the projections take the ghost path. */
  @Test
  void theWideCasesTakeTheGhostPath() {
    assertEquals(SequenceAffine.Choice.GHOST, SequenceAffine.choice(STEPS, 8, 8));
    assertEquals(SequenceAffine.Choice.LAYERWISE, SequenceAffine.choice(STEPS, 4, 6));
  }

  /**
   * DL4J's backward pass is twice the central finite difference of {@code <G, f(x)>} (DL4J's own
   * forward pass), for a parameter of each projection and for input entries; the rule's gradient is
   * the finite difference. Double precision: step {@code 1e-5} leaves a truncation error of order
   * {@code 1e-10} and a rounding error of order {@code 1e-11}, far below the {@code 1e-6} relative
   * tolerance.
   */
  @Test
  void dl4jBackwardIsTwiceTheFiniteDifferenceAndTheRuleIsOnce() {
    MultiLayerNetwork network = network(8300, DataType.DOUBLE, attention(4, 6, 2, 0, true));
    Layer layer = network.getLayer(0);
    INDArray x = randomInput(8301, 1, 4).castTo(DataType.DOUBLE);
    INDArray g = TestNetworks.gaussian(8302, 1, 6 * STEPS, 1.0).reshape('c', 1, 6, STEPS);
    g = g.castTo(DataType.DOUBLE);
    activate(layer, x, null);
    INDArray dl4jInput =
        layer.backpropGradient(g.dup(), LayerWorkspaceMgr.noWorkspaces()).getSecond().dup();
    INDArray dl4jParams = layer.getGradientsViewArray().dup();

    LayerSite site = new LayerSite("layer 0", layer, network.params(), true, false);
    LayerRule.Pass pass = LayerRules.ruleFor(site).forward(x, null);
    INDArray ruleInput = pass.backward(g.dup(), true);
    INDArray ruleParams = Nd4j.zeros(DataType.FLOAT, 1, network.numParams());
    pass.addGradientSum(1, ruleParams);

    double step = 1e-5;
    INDArray params = layer.params();
    for (long k : new long[] {0, 13, 30, 47, 60, 77, 90, 107}) {
      double v = params.getDouble(k);
      params.putScalar(k, v + step);
      double plus = activate(layer, x, null).mul(g).sumNumber().doubleValue();
      params.putScalar(k, v - step);
      double minus = activate(layer, x, null).mul(g).sumNumber().doubleValue();
      params.putScalar(k, v);
      double difference = (plus - minus) / (2 * step);
      assertEquals(
          DL4J_SAMEDIFF_FACTOR * difference,
          dl4jParams.getDouble(k),
          1e-6 * Math.abs(difference) + 1e-9,
          "DL4J, parameter " + k);
      assertEquals(
          difference, ruleParams.getDouble(k), 1e-4 * Math.abs(difference) + 1e-6, "rule " + k);
    }
    for (long[] at : new long[][] {{0, 0, 0}, {0, 3, 2}, {0, 1, 4}}) {
      double v = x.getDouble(at);
      INDArray shifted = x.dup();
      shifted.putScalar(at, v + step);
      double plus = activate(layer, shifted, null).mul(g).sumNumber().doubleValue();
      shifted.putScalar(at, v - step);
      double minus = activate(layer, shifted, null).mul(g).sumNumber().doubleValue();
      double difference = (plus - minus) / (2 * step);
      String where = Arrays.toString(at);
      assertEquals(
          DL4J_SAMEDIFF_FACTOR * difference,
          dl4jInput.getDouble(at),
          1e-6 * Math.abs(difference) + 1e-9,
          "DL4J, input " + where);
      assertEquals(difference, ruleInput.getDouble(at), 1e-6 * Math.abs(difference) + 1e-9, where);
    }
  }

  @Test
  void wrongShapesAreRefusedWithTheirNames() {
    MultiLayerNetwork network = network(8400, DataType.FLOAT, attention(4, 6, 2, 0, true));
    LayerSite site = new LayerSite("layer 0", network.getLayer(0), network.params(), true, false);
    LayerRule rule = LayerRules.ruleFor(site);
    IllegalArgumentException input =
        assertThrows(
            IllegalArgumentException.class,
            () -> rule.forward(Nd4j.zeros(DataType.FLOAT, 2, 3, STEPS), null));
    assertEquals("features.shape() must be [B, 4, T] (NCW), got [2, 3, 5]", input.getMessage());
    IllegalArgumentException mask =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                rule.forward(
                    Nd4j.zeros(DataType.FLOAT, 2, 4, STEPS), Nd4j.ones(DataType.FLOAT, 2, 4)));
    assertEquals("the features mask at layer 0 must be [2, 5], got [2, 4]", mask.getMessage());
  }

  static SelfAttentionLayer attention(int nIn, int nOut, int heads, int headSize, boolean project) {
    return new SelfAttentionLayer.Builder()
        .nIn(nIn)
        .nOut(nOut)
        .nHeads(heads)
        .headSize(headSize)
        .projectInput(project)
        .build();
  }

  private static MultiLayerNetwork network(long seed, DataType type, SelfAttentionLayer attention) {
    MultiLayerNetwork network =
        TestNetworks.build(
            new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(type)
                .updater(new Sgd(0.1))
                .list()
                .layer(attention)
                .layer(
                    new RnnOutputLayer.Builder(LossFunction.MSE)
                        .activation(Activation.IDENTITY)
                        .nIn(attention.isProjectInput() ? attention.getNOut() : attention.getNIn())
                        .nOut(2)
                        .build())
                .setInputType(InputType.recurrent(attention.getNIn(), STEPS)),
            seed);
    network.initGradientsView();
    return network;
  }

  private static INDArray randomInput(long seed, int batch, int nIn) {
    return TestNetworks.gaussian(seed, batch, nIn * STEPS, 1.0).reshape('c', batch, nIn, STEPS);
  }

  /** As the class comment says; {@code lengths} null for no mask. */
  private static void assertEqualsDl4j(
      MultiLayerNetwork network, long seed, int nIn, int[] lengths) {
    int batch = LENGTHS.length;
    INDArray x = randomInput(seed + 2, batch, nIn);
    INDArray mask = lengths != null ? lengthsMask(batch, STEPS, lengths) : null;
    Layer layer = network.getLayer(0);
    LayerSite site = new LayerSite("layer 0", layer, network.params(), true, false);
    LayerRule rule = LayerRules.ruleFor(site);
    LayerRule.Pass pass = rule.forward(x, mask);

    INDArray dl4jOutput = activate(layer, x, mask);
    assertClose(dl4jOutput, pass.output(), "output");
    assertEquals(mask, rule.outputMask(mask), "the mask passes on");
    long[] outShape = dl4jOutput.shape();
    INDArray g =
        TestNetworks.gaussian(seed + 3, batch, (int) (outShape[1] * outShape[2]), 1.0)
            .reshape('c', outShape);

    // DL4J once per example and once over the batch, halved (see the class comment).
    long length = layer.numParams();
    INDArray perExample = Nd4j.create(DataType.DOUBLE, batch, Math.max(length, 1));
    INDArray inputGradient = Nd4j.create(DataType.DOUBLE, x.shape());
    for (int i = 0; i < batch; i++) {
      activate(
          layer,
          BatchOfOneGradients.row(x, i),
          mask == null ? null : BatchOfOneGradients.row(mask, i));
      INDArray back =
          layer
              .backpropGradient(BatchOfOneGradients.row(g, i), LayerWorkspaceMgr.noWorkspaces())
              .getSecond();
      inputGradient
          .get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all(), NDArrayIndex.all())
          .assign(back.castTo(DataType.DOUBLE).div(DL4J_SAMEDIFF_FACTOR));
      if (length > 0) {
        perExample
            .getRow(i)
            .assign(
                layer
                    .getGradientsViewArray()
                    .castTo(DataType.DOUBLE)
                    .div(DL4J_SAMEDIFF_FACTOR)
                    .reshape(length));
      }
    }
    activate(layer, x, mask);
    INDArray batchInputGradient =
        layer
            .backpropGradient(g.dup(), LayerWorkspaceMgr.noWorkspaces())
            .getSecond()
            .castTo(DataType.DOUBLE)
            .div(DL4J_SAMEDIFF_FACTOR);
    INDArray batchGradient =
        length > 0
            ? layer.getGradientsViewArray().castTo(DataType.DOUBLE).div(DL4J_SAMEDIFF_FACTOR)
            : null;

    INDArray ruleInputGradient = pass.backward(g.dup(), true);
    assertClose(inputGradient, ruleInputGradient, "input gradient (per example)");
    assertClose(batchInputGradient, ruleInputGradient, "input gradient (batch)");
    if (length == 0) {
      assertFalse(rule.hasParameters(), "no parameters without projection");
      double[] none = new double[batch];
      pass.addSquaredNorms(none);
      assertEquals(0.0, Arrays.stream(none).map(Math::abs).sum(), "no norms");
      return;
    }
    assertTrue(rule.hasParameters(), "projections are parameters");
    double[] expected = perExample.mul(perExample).sum(1).toDoubleVector();
    double[] actual = new double[batch];
    pass.addSquaredNorms(actual);
    for (int i = 0; i < batch; i++) {
      assertTrue(expected[i] > 0, "example " + i + " has a zero gradient");
      assertEquals(expected[i], actual[i], TOLERANCE * expected[i], "squared norm of " + i);
    }

    long start = layer.params().offset() - network.params().offset();
    INDArray plain = Nd4j.zeros(DataType.FLOAT, 1, network.numParams());
    assertEquals(length, pass.addGradientSum(batch, plain), "parameters written");
    assertClose(batchGradient.reshape(length), block(plain, start, length), "gradient sum");

    float[] factors = {0.5f, 1f, 0f, 0.25f, 0.8f};
    INDArray clipped = Nd4j.zeros(DataType.FLOAT, 1, network.numParams());
    assertEquals(length, pass.addClippedSum(new ClipFactors(factors), clipped), "written");
    INDArray expectedSum =
        Nd4j.createFromArray(factors).castTo(DataType.DOUBLE).reshape(1, batch).mmul(perExample);
    assertClose(expectedSum.reshape(length), block(clipped, start, length), "clipped sum");
  }

  private static INDArray block(INDArray sum, long start, long length) {
    return sum.get(NDArrayIndex.point(0), NDArrayIndex.interval(start, start + length));
  }

  /** DL4J's forward pass of the layer alone, with the mask set as the network sets it. */
  private static INDArray activate(Layer layer, INDArray x, INDArray mask) {
    layer.setInput(x, LayerWorkspaceMgr.noWorkspaces());
    layer.feedForwardMaskArray(mask, MaskState.Active, (int) x.size(0));
    return layer.activate(true, LayerWorkspaceMgr.noWorkspaces()).dup();
  }

  /** {@code [B, T]} with ones on the first {@code lengths[i]} steps of row {@code i}. */
  static INDArray lengthsMask(int batch, int steps, int[] lengths) {
    float[][] m = new float[batch][steps];
    for (int i = 0; i < batch; i++) {
      Arrays.fill(m[i], 0, lengths[i], 1f);
    }
    return Nd4j.createFromArray(m);
  }

  private static void assertClose(INDArray expected, INDArray actual, String what) {
    assertEquals(
        Arrays.toString(expected.shape()), Arrays.toString(actual.shape()), what + " shape");
    TestNetworks.assertSumsClose(
        expected.castTo(DataType.FLOAT), actual.castTo(DataType.FLOAT), 1.0, TOLERANCE);
  }
}

package org.dp4j.dl4j.gradients;

import static org.dp4j.dl4j.testing.TestGraphs.dense;
import static org.dp4j.dl4j.testing.TestGraphs.softmax;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.FrozenVertex;
import org.deeplearning4j.nn.conf.graph.L2NormalizeVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.conf.graph.StackVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.graph.UnstackVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.dp4j.dl4j.testing.TestGraphs;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.clipping.PerExampleGradients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link GraphClipping} and each vertex rule against the batch-of-one loop of the graph: norms,
 * clipped sums at clip norms below, inside and above the norms, the plain sum and the loss.
 */
class GraphClippingTest {

  private static final int BATCH = 6;

  private static void check(ComputationGraph graph, GradientMethod method, int nIn, long seed) {
    INDArray x = TestNetworks.gaussian(seed + 2, BATCH, nIn, 1.0);
    INDArray y = TestNetworks.labels(seed + 3, BATCH, 3, Head.SOFTMAX_MCXENT);
    GraphChecks.assertEqualsBatchOfOne(graph, method, x, y);
  }

  @Test
  void aDenseChainEqualsTheBatchOfOneLoop() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(7000)
                .addLayer("h", dense(5, 6, Activation.TANH), "in")
                .addLayer("out", softmax(6, 3), "h")
                .setOutputs("out"),
            7000);
    check(graph, GradientMethod.GHOST, 5, 7000);
  }

  @Test
  void aResidualBlockEqualsTheBatchOfOneLoop() {
    ComputationGraph graph = TestGraphs.residualCnn(7100, 6, 3, 3);
    check(graph, GradientMethod.LAYERWISE, 36, 7100);
  }

  /** Each op on two convolutions' outputs (channels-last buffers seen as [B, C, H, W]). */
  @ParameterizedTest
  @EnumSource(ElementWiseVertex.Op.class)
  void elementWiseVerticesOfConvolutionsEqualTheBatchOfOneLoop(ElementWiseVertex.Op op) {
    long seed = 7130 + op.ordinal();
    check(TestGraphs.residualCnn(seed, 5, 2, 3, op), GradientMethod.LAYERWISE, 25, seed);
  }

  /** The benchmarked residual CNN's shape: pooling before and after the residual block. */
  @Test
  void aResidualBlockBetweenPoolingLayersEqualsTheBatchOfOneLoop() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(7120)
                .setInputTypes(InputType.convolutionalFlat(10, 10, 1))
                .addLayer(
                    "conv0",
                    new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.TANH).build(),
                    "in")
                .addLayer("pool0", maxPool(), "conv0")
                .addLayer("conv1", TestGraphs.conv(3, Activation.TANH), "pool0")
                .addLayer("conv2", TestGraphs.conv(3, Activation.IDENTITY), "conv1")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv2", "pool0")
                .addLayer("pool1", maxPool(), "add")
                .addLayer(
                    "dense",
                    new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build(),
                    "pool1")
                .addLayer(
                    "out",
                    new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder()
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build(),
                    "dense")
                .setOutputs("out"),
            7120);
    check(graph, GradientMethod.LAYERWISE, 100, 7120);
  }

  private static SubsamplingLayer maxPool() {
    return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
        .kernelSize(2, 2)
        .stride(2, 2)
        .build();
  }

  @Test
  void ghostClippingRefusesConvolutionsByVertexName() {
    ComputationGraph graph = TestGraphs.residualCnn(7150, 6, 3, 3);
    assertEquals(
        "vertex \"conv0\" (ConvolutionLayer) forms per-example gradients, which ghost clipping "
            + "does not; use LAYERWISE",
        GraphClipping.unsupportedReason(graph, GradientMethod.GHOST).orElseThrow());
  }

  @Test
  void aMergeVertexEqualsTheBatchOfOneLoop() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(7200)
                .addLayer("a", dense(5, 4, Activation.TANH), "in")
                .addLayer("b", dense(5, 3, Activation.RELU), "in")
                .addVertex("merge", new MergeVertex(), "a", "b")
                .addLayer("out", softmax(7, 3), "merge")
                .setOutputs("out"),
            7200);
    check(graph, GradientMethod.GHOST, 5, 7200);
  }

  @Test
  void aMergeOfConvolutionsAlongTheChannelsEqualsTheBatchOfOneLoop() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(7250)
                .setInputTypes(InputType.convolutionalFlat(5, 5, 1))
                .addLayer("a", TestGraphs.conv(2, Activation.TANH), "in")
                .addLayer("b", TestGraphs.conv(3, Activation.RELU), "in")
                .addVertex("merge", new MergeVertex(), "a", "b")
                .addLayer("c", TestGraphs.conv(2, Activation.TANH), "merge")
                .addLayer(
                    "out",
                    new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder()
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build(),
                    "c")
                .setOutputs("out"),
            7250);
    check(graph, GradientMethod.LAYERWISE, 25, 7250);
  }

  /** {@code h} feeds three vertices; its gradient is the sum of theirs. */
  @Test
  void fanOutSumsTheGradientsOfEveryConsumer() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(7300)
                .addLayer("h", dense(5, 6, Activation.TANH), "in")
                .addLayer("a", dense(6, 4, Activation.TANH), "h")
                .addLayer("b", dense(6, 4, Activation.SIGMOID), "h")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                .addVertex("merge", new MergeVertex(), "add", "h")
                .addLayer("out", softmax(10, 3), "merge")
                .setOutputs("out"),
            7300);
    check(graph, GradientMethod.GHOST, 5, 7300);
  }

  @ParameterizedTest
  @EnumSource(ElementWiseVertex.Op.class)
  void elementWiseVerticesEqualTheBatchOfOneLoop(ElementWiseVertex.Op op) {
    long seed = 7400 + op.ordinal() * 10L;
    ComputationGraphConfiguration.GraphBuilder builder =
        TestGraphs.builder(seed)
            .addLayer("a", dense(5, 4, Activation.TANH), "in")
            .addLayer("b", dense(5, 4, Activation.SIGMOID), "in");
    if (op == ElementWiseVertex.Op.Subtract) {
      builder.addVertex("op", new ElementWiseVertex(op), "a", "b");
    } else {
      builder
          .addLayer("c", dense(5, 4, Activation.IDENTITY), "in")
          .addVertex("op", new ElementWiseVertex(op), "a", "b", "c");
    }
    ComputationGraph graph =
        TestGraphs.build(builder.addLayer("out", softmax(4, 3), "op").setOutputs("out"), seed);
    check(graph, GradientMethod.GHOST, 5, seed);
  }

  @Test
  void aSubsetVertexEqualsTheBatchOfOneLoop() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(7500)
                .addLayer("h", dense(5, 6, Activation.TANH), "in")
                .addVertex("subset", new SubsetVertex(1, 3), "h")
                .addLayer("out", softmax(3, 3), "subset")
                .setOutputs("out"),
            7500);
    check(graph, GradientMethod.GHOST, 5, 7500);
  }

  @Test
  void scaleAndShiftVerticesEqualTheBatchOfOneLoop() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(7600)
                .addLayer("h", dense(5, 6, Activation.TANH), "in")
                .addVertex("scale", new ScaleVertex(-1.5), "h")
                .addVertex("shift", new ShiftVertex(0.3), "scale")
                .addLayer("g", dense(6, 4, Activation.TANH), "shift")
                .addLayer("out", softmax(4, 3), "g")
                .setOutputs("out"),
            7600);
    check(graph, GradientMethod.GHOST, 5, 7600);
  }

  @Test
  void anL2NormalizeVertexEqualsTheBatchOfOneLoop() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(7700)
                .addLayer("h", dense(5, 6, Activation.TANH), "in")
                .addVertex("norm", new L2NormalizeVertex(), "h")
                .addLayer("out", softmax(6, 3), "norm")
                .setOutputs("out"),
            7700);
    check(graph, GradientMethod.GHOST, 5, 7700);
  }

  @Test
  void aPreprocessorVertexEqualsTheBatchOfOneLoop() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(7800)
                .setInputTypes(InputType.convolutionalFlat(5, 5, 1))
                .addLayer("conv", TestGraphs.conv(2, Activation.TANH), "in")
                .addVertex(
                    "flat",
                    new PreprocessorVertex(new CnnToFeedForwardPreProcessor(5, 5, 2)),
                    "conv")
                .addLayer("h", new DenseLayer.Builder().nOut(4).build(), "flat")
                .addLayer(
                    "out",
                    new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder()
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build(),
                    "h")
                .setOutputs("out"),
            7800);
    check(graph, GradientMethod.LAYERWISE, 25, 7800);
  }

  /** A vertex without parameters on the input: no layer below needs its input gradient. */
  @Test
  void aParameterFreeVertexOnTheInputEqualsTheBatchOfOneLoop() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(7850)
                .addVertex("scale", new ScaleVertex(2), "in")
                .addLayer("h", dense(5, 4, Activation.TANH), "scale")
                .addLayer("out", softmax(4, 3), "h")
                .setOutputs("out"),
            7850);
    check(graph, GradientMethod.GHOST, 5, 7850);
  }

  /**
   * Masked sequences through a graph: an LSTM and a SimpleRnn branch merged along the features, the
   * merge added to itself (one vertex feeding both inputs of another), and a per-step softmax; the
   * features mask goes through every vertex, the labels mask to the loss (sequences of lengths 5,
   * 3, 1, 4, 5, 2).
   */
  @Test
  void maskedSequencesThroughMergeAndAddEqualTheBatchOfOneLoop() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(8600)
                .setInputTypes(InputType.recurrent(3))
                .addLayer("a", new LSTM.Builder().nOut(3).activation(Activation.TANH).build(), "in")
                .addLayer(
                    "b", new SimpleRnn.Builder().nOut(2).activation(Activation.TANH).build(), "in")
                .addVertex("merge", new MergeVertex(), "a", "b")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "merge", "merge")
                .addLayer(
                    "out",
                    new RnnOutputLayer.Builder(
                            org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build(),
                    "add")
                .setOutputs("out"),
            8600);
    INDArray mask = SequenceChecks.lengths(5, 5, 3, 1, 4, 5, 2);
    Batch batch =
        new Batch(
            SequenceChecks.sequences(8601, BATCH, 3, 5),
            SequenceChecks.stepLabels(8602, BATCH, 3, 5),
            mask,
            mask);
    GraphChecks.assertEqualsBatchOfOne(graph, GradientMethod.LAYERWISE, batch);
  }

  /**
   * Transfer learning's frozen parts: a {@code FrozenLayer} vertex and a {@code FrozenVertex}
   * around a scale vertex below a trainable output layer; the frozen vertex passes no gradient
   * (DL4J skips it), so a vertex feeding it gets a zero one.
   */
  @Test
  void frozenLayersAndVerticesEqualTheBatchOfOneLoop() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(8700)
                .addLayer("frozen", new FrozenLayer(dense(5, 4, Activation.TANH)), "in")
                .addVertex("scale", new FrozenVertex(new ScaleVertex(2)), "frozen")
                .addLayer("out", softmax(4, 3), "scale")
                .setOutputs("out"),
            8700);
    check(graph, GradientMethod.GHOST, 5, 8700);
    INDArray input = Nd4j.ones(DataType.FLOAT, 2, 4);
    VertexRule.Pass pass =
        new FrozenVertexRule(new ScaleShiftRule(2, 0)).forward(new INDArray[] {input}, null);
    assertEquals(Nd4j.ones(DataType.FLOAT, 2, 4).muli(2), pass.output());
    assertEquals(
        Nd4j.zeros(DataType.FLOAT, 2, 4),
        pass.backward(Nd4j.ones(DataType.FLOAT, 2, 4), new boolean[] {true})[0]);
  }

  /** A sequence classifier: an LSTM, the last present step of each example, a softmax. */
  @Test
  void aLastTimeStepVertexEqualsTheBatchOfOneLoop() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(8800)
                .setInputTypes(InputType.recurrent(3))
                .addLayer(
                    "lstm", new LSTM.Builder().nOut(4).activation(Activation.TANH).build(), "in")
                .addVertex("last", new LastTimeStepVertex("in"), "lstm")
                .addLayer("out", softmax(4, 3), "last")
                .setOutputs("out"),
            8800);
    INDArray x = SequenceChecks.sequences(8801, BATCH, 3, 5);
    INDArray y = TestNetworks.labels(8802, BATCH, 3, Head.SOFTMAX_MCXENT);
    GraphChecks.assertEqualsBatchOfOne(
        graph,
        GradientMethod.LAYERWISE,
        new Batch(x, y, SequenceChecks.lengths(5, 5, 3, 1, 4, 5, 2), null));
    GraphChecks.assertEqualsBatchOfOne(
        graph, GradientMethod.LAYERWISE, new Batch(x, y, null, null));
  }

  @Test
  void stackingVerticesAreRefusedWithTheReason() {
    assertEquals(
        "vertex \"stack\" (StackVertex) moves examples along the batch axis (StackVertex), so "
            + "rows are no longer examples; use BATCH_OF_ONE",
        GraphClipping.unsupportedReason(stacked(7900), GradientMethod.LAYERWISE).orElseThrow());
  }

  @Test
  void verticesThatWouldMixExamplesAreRefusedByTheirRules() {
    assertEquals(
        "merges along axis 0, which stacks the examples of a batch; only axes >= 1 are supported",
        new MergeRule("vertex \"m\"", 0).unsupportedReason().orElseThrow());
    assertEquals(
        "normalizes along axes [0, 1], which include the batch axis; only the default (all other "
            + "axes) is supported",
        new L2NormalizeRule("vertex \"n\"", new int[] {0, 1}, 1e-8)
            .unsupportedReason()
            .orElseThrow());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new L2NormalizeRule("vertex \"n\"", new int[] {1}, 1e-8)
                    .forward(new INDArray[] {Nd4j.ones(DataType.FLOAT, 2, 3, 4)}, null));
    assertEquals(
        "the normalized axes of vertex \"n\" must be all axes but the batch axis [1, 2], got [1]",
        e.getMessage());
  }

  @Test
  void elementWiseInputsOfDifferentShapesAreRejected() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(8500)
                .addLayer("a", dense(5, 4, Activation.TANH), "in")
                .addLayer("b", dense(5, 1, Activation.TANH), "in")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                .addLayer("out", softmax(4, 3), "add")
                .setOutputs("out"),
            8500);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                NetworkGradients.forGraph(graph, GradientMethod.GHOST)
                    .gradients(
                        TestNetworks.gaussian(1, 2, 5, 1),
                        TestNetworks.labels(2, 2, 3, Head.SOFTMAX_MCXENT)));
    assertEquals(
        "input 1 of vertex \"add\" must be of the shape of input 0 [2, 4], got [2, 1]",
        e.getMessage());
  }

  @Test
  void mismatchedLeadingDimensionsAreRefused() {
    ComputationGraph graph = TestGraphs.residualCnn(8000, 4, 2, 3);
    GraphClipping clipping = GraphClipping.of(graph, GradientMethod.LAYERWISE);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                clipping.gradients(
                    TestNetworks.gaussian(1, 3, 16, 1),
                    TestNetworks.labels(2, 4, 3, Head.SOFTMAX_MCXENT)));
    assertEquals("labels.size(0) must be equal to features.size(0) 3, got 4", e.getMessage());
  }

  @Test
  void autoPicksGhostThenLayerwiseThenTheBatchOfOneLoop() {
    ComputationGraph dense =
        TestGraphs.build(
            TestGraphs.builder(8100)
                .addLayer("h", dense(5, 6, Activation.TANH), "in")
                .addLayer("out", softmax(6, 3), "h")
                .setOutputs("out"),
            8100);
    assertEquals(
        GradientMethod.GHOST, NetworkGradients.forGraph(dense, GradientMethod.AUTO).method());
    assertEquals(
        GradientMethod.LAYERWISE,
        NetworkGradients.forGraph(TestGraphs.residualCnn(8110, 4, 2, 3), GradientMethod.AUTO)
            .method());
    assertEquals(
        GradientMethod.BATCH_OF_ONE,
        NetworkGradients.forGraph(stacked(8120), GradientMethod.AUTO).method());
  }

  /** The batch-of-one fallback of a graph the engine refuses clips as the loop does. */
  @Test
  void theFallbackClipsAsTheBatchOfOneLoop() {
    ComputationGraph graph = stacked(8130);
    INDArray x = TestNetworks.gaussian(8131, BATCH, 5, 1.0);
    INDArray y = TestNetworks.labels(8132, BATCH, 3, Head.SOFTMAX_MCXENT);
    INDArray exact = BatchOfOneGradients.perExampleGradients(graph, x, y);
    NetworkGradients fallback = NetworkGradients.forGraph(graph, GradientMethod.AUTO);
    TestNetworks.assertSumsClose(
        FlatClipper.of(0.5).clipAndSum(PerExampleGradients.ofMatrix(exact)).sum(),
        FlatClipper.of(0.5).clipAndSum(fallback.gradients(x, y)).sum(),
        0.5,
        RuleChecks.RELATIVE_TOLERANCE);
    assertEquals(
        "graph must be supported by layerwise clipping, got vertex \"stack\" (StackVertex) "
            + "moves examples along the batch axis (StackVertex), so rows are no longer "
            + "examples; use BATCH_OF_ONE",
        assertThrows(
                IllegalArgumentException.class,
                () -> NetworkGradients.forGraph(graph, GradientMethod.LAYERWISE))
            .getMessage());
  }

  @Test
  void badGraphsAreRefused() {
    assertEquals(
        "graph must not be null",
        assertThrows(
                NullPointerException.class,
                () -> NetworkGradients.forGraph(null, GradientMethod.AUTO))
            .getMessage());
    ComputationGraph uninitialised =
        new ComputationGraph(
            TestGraphs.builder(8200)
                .addLayer("out", softmax(5, 3), "in")
                .setOutputs("out")
                .build());
    assertEquals(
        "graph must be initialised (init()), got a graph without vertices",
        assertThrows(
                IllegalArgumentException.class,
                () -> NetworkGradients.forGraph(uninitialised, GradientMethod.AUTO))
            .getMessage());
    ComputationGraph twoInputs =
        TestGraphs.build(
            TestGraphs.builder(8210)
                .addInputs("in2")
                .addVertex("merge", new MergeVertex(), "in", "in2")
                .addLayer("out", softmax(10, 3), "merge")
                .setOutputs("out"),
            8210);
    assertEquals(
        "graph must be one input and one output, got 2 inputs and 1 outputs",
        assertThrows(
                IllegalArgumentException.class,
                () -> NetworkGradients.forGraph(twoInputs, GradientMethod.BATCH_OF_ONE))
            .getMessage());
  }

  @Test
  void anUnsupportedLayerVertexFallsBackWithTheReason() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(8300)
                .setInputTypes(InputType.convolutionalFlat(6, 6, 1))
                .addLayer(
                    "dilated",
                    new ConvolutionLayer.Builder(2, 2).nOut(2).dilation(2, 2).build(),
                    "in")
                .addLayer(
                    "out",
                    new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder()
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build(),
                    "dilated")
                .setOutputs("out"),
            8300);
    assertEquals(
        "vertex \"dilated\" (ConvolutionLayer) must have dilation 1, got [2, 2] (dilated "
            + "convolutions are not supported; use BATCH_OF_ONE)",
        GraphClipping.unsupportedReason(graph, GradientMethod.LAYERWISE).orElseThrow());
    assertEquals(
        GradientMethod.BATCH_OF_ONE,
        NetworkGradients.forGraph(graph, GradientMethod.AUTO).method());
  }

  @Test
  void aGraphThatEndsWithoutALossIsRefused() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(8350)
                .addLayer("h", dense(5, 4, Activation.TANH), "in")
                .addLayer("end", dense(4, 3, Activation.TANH), "h")
                .setOutputs("end"),
            8350);
    assertEquals(
        "vertex \"end\" is the network output but computes no loss; end the graph with an "
            + "OutputLayer or a LossLayer",
        GraphClipping.unsupportedReason(graph, GradientMethod.GHOST).orElseThrow());
  }

  @Test
  void aMaskForAGraphThatReadsNoSequencesIsRefusedByVertex() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(8400)
                .addLayer("h", dense(5, 4, Activation.TANH), "in")
                .addLayer("out", softmax(4, 3), "h")
                .setOutputs("out"),
            8400);
    NetworkGradients clipping = NetworkGradients.forGraph(graph, GradientMethod.GHOST);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                clipping.gradients(
                    TestNetworks.gaussian(1, 2, 5, 1),
                    TestNetworks.labels(2, 2, 3, Head.SOFTMAX_MCXENT),
                    Nd4j.ones(DataType.FLOAT, 2, 4),
                    null));
    assertEquals(
        "featuresMask must reach only layers that read sequences, but vertex \"h\" takes no "
            + "sequence mask (it does not read sequences), got a mask of shape [2, 4]",
        e.getMessage());
  }

  /** Two dense branches stacked along the batch axis, a dense layer, the first half unstacked. */
  private static ComputationGraph stacked(long seed) {
    return TestGraphs.build(
        TestGraphs.builder(seed)
            .addLayer("a", dense(5, 4, Activation.TANH), "in")
            .addLayer("b", dense(5, 4, Activation.TANH), "in")
            .addVertex("stack", new StackVertex(), "a", "b")
            .addLayer("h", dense(4, 4, Activation.TANH), "stack")
            .addVertex("first", new UnstackVertex(0, 2), "h")
            .addLayer("out", softmax(4, 3), "first")
            .setOutputs("out"),
        seed);
  }
}

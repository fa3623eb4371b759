package org.dp4j.dl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.testing.TestGraphs;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.optimizer.StepResult;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

/** {@link DpTrainer} on a {@code ComputationGraph}: the same builder as for a network. */
class GraphTrainerTest {

  private static final int N = 600;
  private static final int D = 8;

  /** Three classes, each a Gaussian blob around its own centre. */
  private static DataSet blobs(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    INDArray centres = TestNetworks.gaussian(seed + 1, 3, D, 2.0);
    INDArray noise = TestNetworks.gaussian(seed + 2, N, D, 0.5);
    float[][] x = new float[N][D];
    float[][] y = new float[N][3];
    for (int i = 0; i < N; i++) {
      int c = random.nextInt(3);
      y[i][c] = 1f;
      for (int j = 0; j < D; j++) {
        x[i][j] = centres.getFloat(c, j) + noise.getFloat(i, j);
      }
    }
    return new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(y));
  }

  /** A residual dense graph: {@code h}, {@code r = tanh(h W)}, {@code h + r}, softmax. */
  private static ComputationGraph residual(long seed) {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(seed)
                .addLayer("h", TestGraphs.dense(D, 16, Activation.TANH), "in")
                .addLayer("r", TestGraphs.dense(16, 16, Activation.TANH), "h")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "h", "r")
                .addLayer("out", TestGraphs.softmax(16, 3), "add")
                .setOutputs("out"),
            seed);
    graph.setParams(TestNetworks.gaussian(seed + 5, 1, (int) graph.numParams(), 0.2));
    return graph;
  }

  private static double accuracy(ComputationGraph graph, DataSet data) {
    INDArray predicted = graph.outputSingle(data.getFeatures()).argMax(1);
    return predicted.eq(data.getLabels().argMax(1)).castTo(DataType.INT).sumNumber().doubleValue()
        / data.numExamples();
  }

  private static DpTrainer.Builder builder(ComputationGraph graph, DataSet data, long steps) {
    return DpTrainer.builder(graph, data)
        .clipNorm(1.0)
        .noiseMultiplier(1.0)
        .targetDelta(1e-5)
        .batchSize(60)
        .steps(steps)
        .filter(PrivacyFilter.odometer(new RdpAccountant(), 1e-5))
        .noise(GaussianTensorNoise.seededNotPrivate(5))
        .batchSamplingRandomNotPrivate(new SplittableRandom(6));
  }

  @Test
  void aResidualGraphTrainsPrivatelyAndItsLossFalls() {
    DataSet data = blobs(3);
    ComputationGraph graph = residual(4);
    double before = accuracy(graph, data);
    List<StepResult> steps = new ArrayList<>();
    DpTrainer trainer =
        builder(graph, data, 150).updater(new Adam(0.02)).listener(steps::add).build();
    assertEquals(GradientMethod.GHOST, trainer.gradientMethod());
    assertEquals(150, trainer.train());
    double after = accuracy(graph, data);
    assertTrue(after >= 0.9 && after > before + 0.2, "accuracy " + before + " -> " + after);
    double first = mean(steps.subList(0, 10));
    double last = mean(steps.subList(140, 150));
    assertTrue(last < first / 2, "mean loss " + first + " -> " + last);
    assertEquals(graph, trainer.model());
  }

  private static double mean(List<StepResult> steps) {
    return steps.stream().mapToDouble(s -> s.meanLoss().orElseThrow()).average().orElseThrow();
  }

  /** The engine and the batch-of-one loop give the same run with the same randomness. */
  @Test
  void theEngineAndTheBatchOfOneLoopTrainTheSame() {
    DataSet data = blobs(11);
    INDArray[] finals = new INDArray[2];
    GradientMethod[] methods = {GradientMethod.GHOST, GradientMethod.BATCH_OF_ONE};
    for (int m = 0; m < 2; m++) {
      ComputationGraph graph = residual(12);
      DpTrainer trainer =
          builder(graph, data, 5).updater(new Sgd(0.1)).gradientMethod(methods[m]).build();
      trainer.train();
      finals[m] = graph.params().dup();
    }
    float[] a = finals[0].data().asFloat();
    float[] b = finals[1].data().asFloat();
    for (int j = 0; j < a.length; j++) {
      assertEquals(a[j], b[j], 1e-4 * Math.max(1, Math.abs(a[j])), "parameter " + j);
    }
  }

  /** Private fine-tuning of a graph: a frozen vertex's parameters stay bit-identical. */
  @Test
  void aFrozenLayerVertexKeepsItsParameters() {
    ComputationGraph graph =
        TestGraphs.build(
            TestGraphs.builder(31)
                .addLayer("frozen", new FrozenLayer(TestGraphs.dense(D, 16, Activation.TANH)), "in")
                .addLayer("out", TestGraphs.softmax(16, 3), "frozen")
                .setOutputs("out"),
            31);
    INDArray frozen = graph.getLayer("frozen").params().dup();
    INDArray trained = graph.getLayer("out").params().dup();
    DpTrainer trainer = builder(graph, blobs(32), 3).updater(new Sgd(0.1)).build();
    assertEquals(3, trainer.train());
    assertEquals(frozen, graph.getLayer("frozen").params());
    assertTrue(!trained.equals(graph.getLayer("out").params()), "the output layer trains");
  }

  @Test
  void theGraphsUpdaterIsUsedAndBadGraphsAreRefused() {
    DataSet data = blobs(21);
    DpTrainer trainer = builder(residual(22), data, 1).build();
    assertEquals(1, trainer.train()); // the graph's own Sgd(0.1), shared by its layers
    assertEquals(
        "graph must not be null",
        assertThrows(
                NullPointerException.class, () -> DpTrainer.builder((ComputationGraph) null, data))
            .getMessage());
    ComputationGraph uninitialised =
        new ComputationGraph(
            TestGraphs.builder(23)
                .addLayer("out", TestGraphs.softmax(D, 3), "in")
                .setOutputs("out")
                .build());
    assertEquals(
        "graph must be initialised (call init()), got null parameters",
        assertThrows(IllegalArgumentException.class, () -> DpTrainer.builder(uninitialised, data))
            .getMessage());
  }
}

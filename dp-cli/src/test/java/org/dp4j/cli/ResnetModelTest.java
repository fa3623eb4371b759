package org.dp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.dp4j.cli.CliTestSupport.Run;
import org.dp4j.training.internal.ExampleRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;

/** {@code dp4j train --model resnet}: the residual {@code ComputationGraph} CNN. */
class ResnetModelTest {

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
    return Double.parseDouble(m.group(1));
  }

  /**
   * The graph for 8x8 digits: 8 channels; conv0 8*9+8, conv1 and conv2 8*8*9+8 each, dense 8*32+32
   * (the 3x3 block pools to 1x1), output 32*10+10. Seeded: equal seeds give equal parameters.
   */
  @Test
  void theDigitsGraphIsAResidualCnnSeededLikeTheOtherModels() {
    TrainingData data = ModelKind.RESNET.input(DigitsDataset.load(1));
    TrainableModel a = ModelKind.RESNET.model(data, 5, new Sgd(0.0));
    TrainableModel b = ModelKind.RESNET.model(data, 5, new Sgd(0.0));
    TrainableModel c = ModelKind.RESNET.model(data, 6, new Sgd(0.0));
    assertEquals(80 + 2 * 584 + 288 + 330, a.numParams());
    ComputationGraph graph = ((TrainableModel.Graph) a).graph();
    INDArray params = graph.params();
    assertEquals(params, ((TrainableModel.Graph) b).graph().params());
    assertTrue(!params.equals(((TrainableModel.Graph) c).graph().params()));
    assertEquals(0.0, graph.getParam("conv1_b").sumNumber().doubleValue(), 0.0);
    assertTrue(graph.getParam("conv1_W").norm2Number().doubleValue() > 0);
    INDArray out = a.output(ExampleRows.select(data.test().getFeatures(), new int[] {0, 1, 2}));
    assertEquals(3, out.rows());
    assertEquals(10, out.columns());
    assertThrows(IllegalStateException.class, () -> ModelKind.RESNET.build(data, 5));
  }

  /** The Fashion-MNIST graph is the one of {@code GraphStepBenchmark}: 23,594 parameters. */
  @Test
  void theFashionMnistGraphHasTheBenchmarkedShape(@TempDir Path dir) throws IOException {
    writeFashion(dir);
    TrainingData data = ModelKind.RESNET.input(FashionMnistDataset.load(dir));
    assertEquals(23_594, ModelKind.RESNET.model(data, 1, new Sgd(0.0)).numParams());
  }

  /**
   * One epoch (about 5 steps of expected batch 256) of the graph trained privately on the digits:
   * layerwise clipping, within the budget; accuracy after so few noisy steps is only checked to be
   * a fraction.
   */
  @Test
  void privateResnetRunsEndToEndOnDigits() {
    Run run =
        CliTestSupport.run(
            "train", "--model", "resnet", "--epochs", "1", "--batch-size", "256", "--epsilon", "8");
    assertEquals(0, run.status(), run.err());
    String out = run.out();
    assertTrue(
        out.contains(
            "digits (1294 training, 144 validation, 359 test examples), model resnet, "
                + "layerwise per-example clipping"),
        out);
    assertTrue(out.contains("DP-SGD: 5 steps (1 epoch)"), out);
    double epsilon = number(out, "privacy: \\(epsilon = ([0-9.]+), delta = 1.00e-05\\)-DP");
    assertTrue(epsilon <= 8.0, "epsilon " + epsilon);
    double accuracy = number(out, "test accuracy: ([0-9.]+)");
    assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
  }

  @Test
  void nonPrivateResnetRunsOnDigits() {
    Run run =
        CliTestSupport.run(
            "train", "--model", "resnet", "--non-private", "--epochs", "1", "--batch-size", "128");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("model resnet, NON-PRIVATE baseline: 1 epochs"), run.out());
    double accuracy = number(run.out(), "test accuracy: ([0-9.]+)");
    assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
    assertTrue(run.out().contains("privacy: NONE"), run.out());
  }

  /** Fashion-MNIST-shaped data (tiny IDX files) trains privately through the graph. */
  @Test
  void fashionMnistTrainsThroughTheGraph(@TempDir Path dir) throws IOException {
    writeFashion(dir);
    Run run =
        CliTestSupport.run(
            "train",
            "--model",
            "resnet",
            "--dataset",
            "fashion-mnist",
            "--data-dir",
            dir.toString(),
            "--validation-fraction",
            "0",
            "--epochs",
            "1",
            "--batch-size",
            "4",
            "--noise-multiplier",
            "1");
    assertEquals(0, run.status(), run.err());
    assertTrue(
        run.out()
            .contains(
                "fashion-mnist (8 training, 0 validation, 3 test examples), model resnet,"
                    + " layerwise per-example clipping"),
        run.out());
    assertTrue(run.out().contains("test accuracy: "), run.out());
  }

  @Test
  void badFlagsWithTheResnetAreOneLineUserErrors() {
    Run batch = CliTestSupport.run("train", "--model", "resnet", "--batch-size", "0");
    assertEquals(Dp4jCommand.USAGE_ERROR, batch.status(), batch.out());
    assertEquals("dp4j: --batch-size must be a positive integer, got 0", batch.err().strip());
    Run epsilon = CliTestSupport.run("train", "--model", "resnet", "--epsilon", "NaN");
    assertEquals(Dp4jCommand.USAGE_ERROR, epsilon.status(), epsilon.out());
    assertEquals(1, epsilon.err().strip().lines().count(), epsilon.err());
    assertTrue(epsilon.err().contains("--epsilon") && epsilon.err().contains("NaN"), epsilon.err());
  }

  /** The audit takes a MultiLayerNetwork: {@code --model resnet} is refused in one line. */
  @Test
  void auditRefusesTheGraphInOneLine() {
    Run run = CliTestSupport.run("audit", "--model", "resnet", "--epochs", "1");
    assertEquals(Dp4jCommand.USAGE_ERROR, run.status(), run.out());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().contains("--model") && run.err().contains("resnet"), run.err());
    assertTrue(run.out().isEmpty(), run.out());
  }

  private static void writeFashion(Path dir) throws IOException {
    TrainCommandTest.writeIdx(dir.resolve("train-images-idx3-ubyte"), 0x803, 8, false);
    TrainCommandTest.writeIdx(dir.resolve("train-labels-idx1-ubyte"), 0x801, 8, false);
    TrainCommandTest.writeIdx(dir.resolve("t10k-images-idx3-ubyte"), 0x803, 3, false);
    TrainCommandTest.writeIdx(dir.resolve("t10k-labels-idx1-ubyte"), 0x801, 3, false);
  }
}

package org.dp4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.cli.CliTestSupport.Run;
import org.dp4j.training.internal.ExampleRows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@code dp4j train --model lstm}: the row-sequence data, the network and end-to-end runs. */
class LstmModelTest {

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void rowROfImageKBecomesTimeStepR() {
    int n = 3;
    int height = 2;
    int width = 5;
    float[] pixels = new float[n * height * width];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = i;
    }
    INDArray images = Nd4j.createFromArray(pixels).reshape(n, height * width);
    INDArray sequences = RowSequences.of(images, height, width);
    assertArrayEquals(new long[] {n, width, height}, sequences.shape());
    for (int k = 0; k < n; k++) {
      for (int r = 0; r < height; r++) {
        for (int c = 0; c < width; c++) {
          assertEquals(images.getFloat(k, r * width + c), sequences.getFloat(k, c, r), "k, r, c");
        }
      }
    }
    assertEquals(
        Nd4j.createFromArray(new float[] {15, 16, 17, 18, 19}),
        sequences.get(
            org.nd4j.linalg.indexing.NDArrayIndex.point(1),
            org.nd4j.linalg.indexing.NDArrayIndex.all(),
            org.nd4j.linalg.indexing.NDArrayIndex.point(1)),
        "row 1 of image 1 is time step 1");
  }

  @Test
  void digitsBecomeEightStepsOfEightFeaturesWithTheSplitAndLabelsKept() {
    TrainingData flat = DigitsDataset.load(7).withValidation(100, 7);
    TrainingData sequences = ModelKind.LSTM.input(flat);
    assertArrayEquals(
        new long[] {flat.train().numExamples(), 8, 8}, sequences.train().getFeatures().shape());
    assertArrayEquals(new long[] {100, 8, 8}, sequences.validation().get().getFeatures().shape());
    assertArrayEquals(
        new long[] {flat.test().numExamples(), 8, 8}, sequences.test().getFeatures().shape());
    assertEquals(flat.train().getLabels(), sequences.train().getLabels());
    assertEquals(flat.test().getLabels(), sequences.test().getLabels());
    INDArray back =
        sequences
            .test()
            .getFeatures()
            .permute(0, 2, 1)
            .dup('c')
            .reshape(flat.test().numExamples(), 64);
    assertEquals(flat.test().getFeatures(), back);
    assertTrue(ModelKind.MLP.input(flat) == flat && ModelKind.CNN.input(flat) == flat);
  }

  @Test
  void badImageShapesAreRefusedWithTheShape() {
    IllegalArgumentException wrongWidth =
        assertThrows(
            IllegalArgumentException.class,
            () -> RowSequences.of(Nd4j.zeros(DataType.FLOAT, 4, 63), 8, 8));
    assertEquals("images must be [n, 64] for 8x8 images, got [4, 63]", wrongWidth.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> RowSequences.of(Nd4j.zeros(DataType.FLOAT, 4, 8, 8), 8, 8));
  }

  @Test
  void rowsOfSequencesAreCopiedInTheGivenOrder() {
    INDArray sequences = Nd4j.arange(0, 5 * 8 * 8).castTo(DataType.FLOAT).reshape(5, 8, 8);
    INDArray picked = ExampleRows.select(sequences, new int[] {3, 0});
    assertArrayEquals(new long[] {2, 8, 8}, picked.shape());
    assertEquals(sequences.slice(3), picked.slice(0));
    assertEquals(sequences.slice(0), picked.slice(1));
  }

  @Test
  void theNetworkIsSeededWithTheForgetGateBiasAtOne() {
    TrainingData data = ModelKind.LSTM.input(DigitsDataset.load(1));
    MultiLayerNetwork a = ModelKind.LSTM.build(data, 5);
    MultiLayerNetwork b = ModelKind.LSTM.build(data, 5);
    MultiLayerNetwork c = ModelKind.LSTM.build(data, 6);
    assertEquals(a.params(), b.params());
    assertTrue(!a.params().equals(c.params()));
    int units = ModelKind.LSTM_UNITS;
    assertEquals(5_578, a.numParams()); // 8*128 + 32*128 + 128 + 32*10 + 10
    assertArrayEquals(new long[] {8, 4 * units}, a.getParam("0_W").shape());
    assertArrayEquals(new long[] {units, 4 * units}, a.getParam("0_RW").shape());
    INDArray bias = a.getParam("0_b");
    assertEquals(units, bias.sumNumber().doubleValue(), 0.0); // DL4J: forget gate 1, others 0
    assertEquals(units, bias.eq(1.0).castTo(DataType.INT).sumNumber().intValue());
    assertArrayEquals(
        new long[] {4, 10},
        a.output(ExampleRows.select(data.test().getFeatures(), new int[] {0, 1, 2, 3})).shape());
  }

  /**
   * One epoch of the LSTM trained privately on the digits (about 5 steps of expected batch 256):
   * the run completes within its budget with ghost clipping (the LSTM and LastTimeStep rules);
   * accuracy after so few noisy steps is only checked to be a fraction.
   */
  @Test
  void privateLstmRunsEndToEndOnDigits() {
    Run run =
        CliTestSupport.run(
            "train", "--model", "lstm", "--epochs", "1", "--batch-size", "256", "--epsilon", "8");
    assertEquals(0, run.status(), run.err());
    String out = run.out();
    assertTrue(
        out.contains(
            "digits (1294 training, 144 validation, 359 test examples), model lstm, "
                + "ghost per-example clipping"),
        out);
    assertTrue(out.contains("DP-SGD: 5 steps (1 epoch)"), out);
    double epsilon = number(out, "privacy: \\(epsilon = ([0-9.]+), delta = 1.00e-05\\)-DP");
    assertTrue(epsilon <= 8.0, "epsilon " + epsilon);
    double accuracy = number(out, "test accuracy: ([0-9.]+)");
    assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
  }

  @Test
  void nonPrivateLstmRunsOnDigits() {
    Run run = CliTestSupport.run("train", "--model", "LSTM", "--non-private", "--epochs", "1");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("model lstm, NON-PRIVATE baseline: 1 epochs"), run.out());
    assertTrue(run.out().contains("validation accuracy: "), run.out());
  }

  @Test
  void anUnknownModelIsAOneLineUserError() {
    Run run = CliTestSupport.run("train", "--model", "rnn");
    assertEquals(Dp4jCommand.USAGE_ERROR, run.status(), run.out());
    assertEquals(1, run.err().strip().lines().count(), run.err());
    assertTrue(run.err().contains("--model"), run.err());
    assertTrue(run.err().contains("rnn"), run.err());
    assertTrue(run.err().contains("lstm") || run.err().contains("LSTM"), run.err());
  }

  /** {@code dp4j audit} takes the LSTM too; input canaries are sequences like the data. */
  @Test
  void auditWithInputCanariesRunsOnTheLstm() {
    Run run =
        CliTestSupport.run(
            "audit",
            "--model",
            "lstm",
            "--epochs",
            "1",
            "--batch-size",
            "256",
            "--canaries",
            "20",
            "--canary-kind",
            "input");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("model lstm; 20 input canaries"), run.out());
    assertTrue(run.out().contains("verdict: "), run.out());
  }

  /** Fashion-MNIST images become 28 steps of 28 features (tiny IDX files, one epoch). */
  @Test
  void fashionMnistRowsTrainAsTwentyEightSteps(@TempDir Path dir) throws IOException {
    TrainCommandTest.writeIdx(dir.resolve("train-images-idx3-ubyte"), 0x803, 8, false);
    TrainCommandTest.writeIdx(dir.resolve("train-labels-idx1-ubyte"), 0x801, 8, false);
    TrainCommandTest.writeIdx(dir.resolve("t10k-images-idx3-ubyte"), 0x803, 3, false);
    TrainCommandTest.writeIdx(dir.resolve("t10k-labels-idx1-ubyte"), 0x801, 3, false);
    TrainingData data = ModelKind.LSTM.input(FashionMnistDataset.load(dir));
    assertArrayEquals(new long[] {8, 28, 28}, data.train().getFeatures().shape());
    // Pixel (r, c) of image k is (k + 28 r + c) mod 256, scaled to [0, 1].
    assertEquals(((5 + 28 * 3 + 7) % 256) / 255f, data.train().getFeatures().getFloat(5, 7, 3));
    Run run =
        CliTestSupport.run(
            "train",
            "--model",
            "lstm",
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
        run.out().contains("fashion-mnist (8 training, 0 validation, 3 test examples), model lstm"),
        run.out());
    assertTrue(run.out().contains("test accuracy: "), run.out());
  }
}

package org.dp4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.dp4j.cli.CliTestSupport.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code dp4j train}: the default run, its flags, user errors, the ledger and the IDX reader. */
class TrainCommandTest {

  @TempDir Path dir;

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
    return Double.parseDouble(m.group(1));
  }

  /**
   * The default job: MLP on the embedded digits at epsilon 3, 10% of the training data held out for
   * validation. Batches and noise come from SecureRandom (the CLI has no seeded noise), so accuracy
   * varies run to run (docs/results.md); 0.75 leaves a wide margin, and chance level is 0.10.
   */
  @Test
  void defaultRunTrainsDigitsWithinTheBudget() {
    Run run = CliTestSupport.run("train");
    assertEquals(0, run.status(), run.err());
    String out = run.out();
    assertTrue(
        out.contains(
            "digits (1294 training, 144 validation, 359 test examples), model mlp," + " ghost"),
        out);
    // The sampling rate and the steps come from the 1294 examples trained on.
    assertTrue(out.contains("DP-SGD: 303 steps (15 epochs), sampling rate 0.049459,"), out);
    assertTrue(out.contains("] step 303/303  epsilon "), out);
    assertTrue(out.contains("at delta 1.00e-05  non-private batch loss "), out);
    assertEquals(15, out.lines().filter(l -> l.contains("validation accuracy 0.")).count(), out);
    double validation = number(out, "validation accuracy: ([0-9.]+) \\(144 held-out");
    double accuracy = number(out, "test accuracy: ([0-9.]+)");
    assertTrue(accuracy >= 0.75, "accuracy " + accuracy);
    assertTrue(validation >= 0.7, "validation accuracy " + validation);
    double epsilon = number(out, "privacy: \\(epsilon = ([0-9.]+), delta = 1.00e-05\\)-DP");
    assertTrue(epsilon <= 3.0 && epsilon > 2.9, "epsilon " + epsilon);
    assertTrue(out.contains("Unit of privacy: one training example (add-or-remove-one"), out);
    assertTrue(out.contains("not protected: the validation and test examples"), out);
  }

  @Test
  void cnnAndNoiseMultiplierRunOnDigits() {
    Run run =
        CliTestSupport.run(
            "train",
            "--model",
            "cnn",
            "--epochs",
            "1",
            "--noise-multiplier",
            "1.0",
            "--batch-size",
            "128");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("model cnn, layerwise per-example clipping"), run.out());
    assertTrue(
        run.out().contains("noise multiplier 1.0000\n")
            || run.out().contains("noise multiplier 1.0000" + System.lineSeparator()),
        run.out());
    double accuracy = number(run.out(), "test accuracy: ([0-9.]+)");
    assertTrue(accuracy >= 0.0 && accuracy <= 1.0);
  }

  @Test
  void nonPrivateBaselineSaysSo() {
    Run run = CliTestSupport.run("train", "--non-private", "--epochs", "3");
    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("NON-PRIVATE baseline"), run.out());
    assertTrue(run.out().contains("1294 training, 144 validation"), run.out());
    assertTrue(run.out().contains("validation accuracy: "), run.out());
    assertTrue(run.out().contains("privacy: NONE"), run.out());
  }

  @Test
  void theValidationSplitIsCarvedFromTheTrainingDataAndTheAccountingUsesTheRest() {
    Run none =
        CliTestSupport.run(
            "train", "--validation-fraction", "0", "--epochs", "1", "--noise-multiplier", "1");
    assertEquals(0, none.status(), none.err());
    assertTrue(none.out().contains("(1438 training, 0 validation, 359 test examples)"), none.out());
    assertTrue(none.out().contains("sampling rate 0.044506,"), none.out()); // 64 / 1438
    assertFalse(none.out().contains("validation accuracy"), none.out());
    Run half =
        CliTestSupport.run(
            "train", "--validation-fraction", "0.5", "--epochs", "1", "--noise-multiplier", "1");
    assertEquals(0, half.status(), half.err());
    assertTrue(
        half.out().contains("(719 training, 719 validation, 359 test examples)"), half.out());
    assertTrue(
        half.out().contains("DP-SGD: 11 steps (1 epoch), sampling rate 0.089013,"),
        half.out()); // 64 / 719
    assertTrue(half.out().contains("validation accuracy: "), half.out());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--epsilon|0|--epsilon must be positive and finite, got 0.0",
        "--epsilon|NaN|--epsilon must be positive and finite, got NaN",
        "--epsilon|-1|--epsilon must be positive and finite, got -1.0",
        "--epsilon|Infinity|--epsilon must be positive and finite, got Infinity",
        "--delta|1|--delta must be in (0, 1), got 1.0",
        "--clip-norm|0|--clip-norm must be positive and finite, got 0.0",
        "--learning-rate|NaN|--learning-rate must be positive and finite, got NaN",
        "--batch-size|0|--batch-size must be a positive integer, got 0",
        "--batch-size|100000|--batch-size must be at most the training set size 1294, got 100000",
        "--epochs|-2|--epochs must be a positive integer, got -2",
        "--noise-multiplier|0|--noise-multiplier must be positive and finite, got 0.0",
        "--validation-fraction|1|--validation-fraction must be in [0, 1), got 1.0",
        "--validation-fraction|-0.1|--validation-fraction must be in [0, 1), got -0.1",
        "--validation-fraction|NaN|--validation-fraction must be in [0, 1), got NaN",
        "--validation-fraction|1e-9|--validation-fraction must be 0 or a fraction that holds out 1 "
            + "to 1437 of the 1438 training examples, got 1.0E-9",
      })
  void badFlagsAreOneLineUserErrors(String flag, String value, String message) {
    Run run = CliTestSupport.run("train", flag, value);
    assertEquals(Dp4jCommand.USAGE_ERROR, run.status(), run.out());
    assertEquals("dp4j: " + message, run.err().strip());
  }

  @Test
  void conflictingAndMissingFlagsAreUserErrors() {
    Run both = CliTestSupport.run("train", "--epsilon", "1", "--noise-multiplier", "1");
    assertEquals(2, both.status());
    assertTrue(both.err().contains("--epsilon and --noise-multiplier must not both be given"));
    Run noDir = CliTestSupport.run("train", "--dataset", "fashion-mnist");
    assertEquals(2, noDir.status());
    assertTrue(
        noDir.err().startsWith("dp4j: --data-dir must be given with --dataset " + "fashion-mnist"),
        noDir.err());
    Run missing =
        CliTestSupport.run("train", "--dataset", "fashion-mnist", "--data-dir", dir.toString());
    assertEquals(2, missing.status());
    assertTrue(
        missing
            .err()
            .startsWith(
                "dp4j: --data-dir must contain the Fashion-MNIST file "
                    + "train-images-idx3-ubyte[.gz]"),
        missing.err());
    assertEquals(1, missing.err().strip().lines().count());
    Run unknown = CliTestSupport.run("train", "--dataset", "cifar");
    assertEquals(2, unknown.status());
    assertTrue(unknown.err().contains("--dataset"), unknown.err());
  }

  @Test
  void fashionMnistReaderReadsIdxFiles() throws IOException {
    int n = 5;
    writeIdx(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, n, true);
    writeIdx(dir.resolve("train-labels-idx1-ubyte.gz"), 0x801, n, true);
    writeIdx(dir.resolve("t10k-images-idx3-ubyte"), 0x803, 3, false);
    writeIdx(dir.resolve("t10k-labels-idx1-ubyte"), 0x801, 3, false);
    TrainingData data = FashionMnistDataset.load(dir);
    assertEquals(n, data.train().numExamples());
    assertEquals(3, data.test().numExamples());
    assertEquals(784, data.train().getFeatures().size(1));
    // Pixel j of image i is (i + j) mod 256, scaled to [0, 1]; label of i is i mod 10.
    assertEquals(((2 + 300) % 256) / 255f, data.train().getFeatures().getFloat(2, 300), 1e-7);
    assertEquals(1f, data.train().getLabels().getFloat(4, 4));
    assertEquals(1f, data.test().getLabels().sumNumber().floatValue() / 3, 1e-7);

    writeIdx(dir.resolve("t10k-labels-idx1-ubyte"), 0x803, 3, false);
    UserError e =
        org.junit.jupiter.api.Assertions.assertThrows(
            UserError.class, () -> FashionMnistDataset.load(dir));
    assertTrue(e.getMessage().contains("must be an IDX label file"), e.getMessage());
  }

  static void writeIdx(Path file, int magic, int count, boolean gzip) throws IOException {
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream maybeGzip = gzip ? new GZIPOutputStream(raw) : raw;
        DataOutputStream out = new DataOutputStream(maybeGzip)) {
      out.writeInt(magic);
      out.writeInt(count);
      if (magic == 0x803) {
        out.writeInt(28);
        out.writeInt(28);
        for (int i = 0; i < count; i++) {
          for (int j = 0; j < 784; j++) {
            out.writeByte((i + j) % 256);
          }
        }
      } else {
        for (int i = 0; i < count; i++) {
          out.writeByte(i % 10);
        }
      }
    }
  }
}

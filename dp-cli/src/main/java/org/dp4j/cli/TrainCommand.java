package org.dp4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.PrivacyLedger;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.dl4j.train.DpTrainer;
import org.dp4j.dl4j.train.StepReport;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.config.PrivacyStatement;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dp4j train}: trains a small network privately with DP-SGD (Poisson sampling, flat
 * clipping, secure Gaussian noise, RDP or PLD accounting) and prints the test accuracy and the
 * privacy statement. With no arguments: an MLP on the embedded 8x8 digits at epsilon 3.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a network privately (DP-SGD) and print test accuracy and the privacy statement.")
final class TrainCommand implements Callable<Integer> {

  /** The datasets {@code --dataset} accepts. */
  enum DatasetKind {
    DIGITS("digits"), FASHION_MNIST("fashion-mnist");

    final String flagValue;

    DatasetKind(String flagValue) {
      this.flagValue = flagValue;
    }

    @Override
    public String toString() {
      return flagValue;
    }
  }

  @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "digits",
      converter = DatasetConverter.class,
      description = "digits (embedded 8x8, default) or fashion-mnist (needs --data-dir).")
  DatasetKind dataset;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Directory with the Fashion-MNIST IDX files (Debian: " + FashionMnistDataset.DEBIAN_DIR + ").")
  Path dataDir;

  @Option(names = "--model", paramLabel = "mlp|cnn", defaultValue = "mlp",
      description = "Model: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). The MLP uses ghost clipping, the CNN layerwise (im2col) clipping; both exact.")
  ModelKind model;

  @Option(names = "--epsilon", paramLabel = "E",
      description = "Target epsilon: the noise multiplier is calibrated so the whole run spends at most this (default 3 unless --noise-multiplier is given).")
  Double epsilon;

  @Option(names = "--delta", paramLabel = "D", defaultValue = "1e-5", description = "Delta, in (0, 1) (default: ${DEFAULT-VALUE}).")
  double delta;

  @Option(names = "--noise-multiplier", paramLabel = "Z",
      description = "Noise multiplier instead of a target epsilon (> 0); epsilon is then reported, not capped.")
  Double noiseMultiplier;

  @Option(names = "--clip-norm", paramLabel = "C", defaultValue = "1.0", description = "Per-example L2 clip norm (default: ${DEFAULT-VALUE}).")
  double clipNorm;

  @Option(names = "--batch-size", paramLabel = "B", defaultValue = "64",
      description = "Expected (Poisson) batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "15", description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--learning-rate", paramLabel = "LR", defaultValue = "0.01", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "Seed for the non-private parts only: train/test split and initial weights. Batches and noise always use SecureRandom.")
  long seed;

  @Option(names = "--ledger", paramLabel = "FILE",
      description = "Privacy ledger to charge every step to (created with the target budget, or opened and continued).")
  Path ledger;

  @Option(names = "--accountant", paramLabel = "rdp|pld", defaultValue = "rdp",
      description = "Accountant: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  AccountantKind accountant;

  @Option(names = "--non-private",
      description = "Baseline: train the same model WITHOUT privacy (no clipping, no noise, shuffled minibatches) to compare accuracy.")
  boolean nonPrivate;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Converts {@code digits}/{@code fashion-mnist}. */
  static final class DatasetConverter implements picocli.CommandLine.ITypeConverter<DatasetKind> {
    @Override
    public DatasetKind convert(String value) {
      for (DatasetKind k : DatasetKind.values()) {
        if (k.flagValue.equalsIgnoreCase(value)) {
          return k;
        }
      }
      throw new picocli.CommandLine.TypeConversionException(
          "must be digits or fashion-mnist, got " + value);
    }
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    double d = Flags.delta("--delta", delta);
    double c = Flags.positiveFinite("--clip-norm", clipNorm);
    double lr = Flags.positiveFinite("--learning-rate", learningRate);
    if (batchSize < 1) {
      throw UserError.flag("--batch-size", "a positive integer", batchSize);
    }
    if (epochs < 1) {
      throw UserError.flag("--epochs", "a positive integer", epochs);
    }
    if (epsilon != null && noiseMultiplier != null) {
      throw new UserError("--epsilon and --noise-multiplier must not both be given, got both");
    }
    double targetEpsilon = epsilon == null && noiseMultiplier == null ? 3.0
        : epsilon == null ? Double.NaN : Flags.positiveFinite("--epsilon", epsilon);
    if (noiseMultiplier != null) {
      Flags.positiveFinite("--noise-multiplier", noiseMultiplier);
    }
    if (dataset == DatasetKind.DIGITS && dataDir != null) {
      throw new UserError("--data-dir must be used with --dataset fashion-mnist, got --dataset digits");
    }
    TrainingData data = dataset == DatasetKind.DIGITS
        ? DigitsDataset.load(seed)
        : FashionMnistDataset.load(requireDataDir());
    int n = data.train().numExamples();
    if (batchSize > n) {
      throw UserError.flag("--batch-size", "at most the training set size " + n, batchSize);
    }
    double q = (double) batchSize / n;
    long steps = Math.max(1, Math.round(epochs / q));

    if (nonPrivate) {
      if (epsilon != null || noiseMultiplier != null || ledger != null) {
        throw new UserError("--non-private must not be combined with --epsilon, "
            + "--noise-multiplier or --ledger, got one of them");
      }
      return trainNonPrivate(out, data, lr);
    }
    DpSgdConfig.Builder builder = DpSgdConfig.builder().clipNorm(c).datasetSize(n)
        .expectedBatchSize(batchSize).plannedSteps(steps)
        .accountant(() -> accountant.create(NeighbouringRelation.ADD_OR_REMOVE_ONE));
    if (Double.isNaN(targetEpsilon)) {
      builder.noiseMultiplier(noiseMultiplier).targetDelta(d);
    } else {
      builder.target(PrivacyBudget.approximate(targetEpsilon, d));
    }
    DpSgdConfig config = builder.build();
    MultiLayerNetwork network = model.build(data, seed);

    PrivacyLedger openedLedger = null;
    try {
      PrivacyFilter filter;
      if (ledger != null) {
        openedLedger = openLedger(targetEpsilon, d);
        filter = openedLedger.filter();
      } else if (Double.isNaN(targetEpsilon)) {
        filter = PrivacyFilter.odometer(accountant.create(NeighbouringRelation.ADD_OR_REMOVE_ONE), d);
      } else {
        filter = PrivacyFilter.limited(accountant.create(NeighbouringRelation.ADD_OR_REMOVE_ONE),
            PrivacyBudget.approximate(targetEpsilon, d));
      }
      ProgressBar bar = new ProgressBar(out, steps, System.console() != null);
      DpTrainer trainer = DpTrainer.builder(network, data.train(), config, filter)
          .updater(new Adam(lr)).listener(bar::update).build();
      out.printf(Locale.ROOT, "dp4j train: %s (%d training, %d test examples), model %s, "
              + "%s per-example clipping%n", data.name(), n, data.test().numExamples(),
          model.name().toLowerCase(Locale.ROOT),
          trainer.gradientMethod().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      out.printf(Locale.ROOT, "DP-SGD: %d steps (%d epochs), sampling rate %.5g, clip norm %.4g, "
              + "noise multiplier %.5g%s%n", steps, epochs, config.samplingRate(), c,
          config.noiseMultiplier(), Double.isNaN(targetEpsilon) ? ""
              : String.format(Locale.ROOT, " (calibrated for epsilon %.4g, delta %.3g, %s)",
                  targetEpsilon, d, accountant.label()));
      boolean exhausted = false;
      try {
        trainer.train();
      } catch (PrivacyBudgetExceededException e) {
        if (trainer.stepsTaken() == 0) {
          throw new UserError((ledger != null ? "--ledger " + ledger : "--epsilon")
              + " budget must afford at least one step, got " + String.format(Locale.ROOT,
              "epsilon %.4g already spent", filter.spent()));
        }
        exhausted = true;
      }
      bar.finish();
      if (exhausted) {
        out.println("stopped after " + trainer.stepsTaken() + " steps: the privacy budget "
            + (ledger != null ? "in " + ledger + " " : "") + "cannot afford another step");
      }
      double accuracy = accuracy(network, data.test());
      out.printf(Locale.ROOT, "test accuracy: %.4f (%d test examples)%n", accuracy,
          data.test().numExamples());
      PrivacyStatement statement = trainer.privacyStatement();
      out.printf(Locale.ROOT, "epsilon spent: %.4g at delta %.3g%s%n", filter.spent(), d,
          ledger != null ? " (whole ledger)" : "");
      out.println("privacy: " + statement.text());
      return 0;
    } finally {
      if (openedLedger != null) {
        try {
          openedLedger.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  private int trainNonPrivate(PrintWriter out, TrainingData data, double lr) {
    MultiLayerNetwork network = model.build(data, seed, new Adam(lr));
    int n = data.train().numExamples();
    out.printf(Locale.ROOT, "dp4j train: %s (%d training, %d test examples), model %s, "
            + "NON-PRIVATE baseline: %d epochs of minibatches of %d%n", data.name(), n,
        data.test().numExamples(), model.name().toLowerCase(Locale.ROOT), epochs, batchSize);
    for (int epoch = 0; epoch < epochs; epoch++) {
      int[] order = DigitsDataset.shuffled(n, seed + 1 + epoch);
      for (int from = 0; from < n; from += batchSize) {
        int[] rows = java.util.Arrays.copyOfRange(order, from, Math.min(n, from + batchSize));
        network.fit(new DataSet(data.train().getFeatures().getRows(rows),
            data.train().getLabels().getRows(rows)));
      }
      out.printf(Locale.ROOT, "epoch %d/%d  loss %.4f%n", epoch + 1, epochs, network.score());
    }
    out.printf(Locale.ROOT, "test accuracy: %.4f (%d test examples)%n",
        accuracy(network, data.test()), data.test().numExamples());
    out.println("privacy: NONE (non-private baseline; no differential privacy guarantee)");
    return 0;
  }

  private Path requireDataDir() {
    if (dataDir == null) {
      throw new UserError("--data-dir must be given with --dataset fashion-mnist, got nothing (on "
          + "Debian: apt-get install dataset-fashion-mnist, then --data-dir "
          + FashionMnistDataset.DEBIAN_DIR + ")");
    }
    if (!Files.isDirectory(dataDir)) {
      throw UserError.flag("--data-dir", "an existing directory", dataDir);
    }
    return dataDir;
  }

  private PrivacyLedger openLedger(double targetEpsilon, double d) {
    try {
      if (Files.exists(ledger)) {
        return PrivacyLedger.open(ledger, accountant.create(NeighbouringRelation.ADD_OR_REMOVE_ONE));
      }
      if (Double.isNaN(targetEpsilon)) {
        return PrivacyLedger.createOdometer(ledger,
            accountant.create(NeighbouringRelation.ADD_OR_REMOVE_ONE), d);
      }
      return PrivacyLedger.create(ledger, accountant.create(NeighbouringRelation.ADD_OR_REMOVE_ONE),
          PrivacyBudget.approximate(targetEpsilon, d));
    } catch (IOException e) {
      throw new UserError("--ledger " + ledger + ": " + e.getMessage());
    }
  }

  /** The fraction of {@code test} the network classifies correctly. */
  static double accuracy(MultiLayerNetwork network, DataSet test) {
    INDArray predicted = network.output(test.getFeatures(), false).argMax(1);
    INDArray truth = test.getLabels().argMax(1);
    return predicted.eq(truth).castTo(DataType.INT).sumNumber().doubleValue()
        / test.numExamples();
  }

  /** A one-line progress bar with epsilon spent; plain lines every 10% when not a terminal. */
  static final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final long total;
    private final boolean terminal;
    private long lastDecile = -1;
    private StepReport last;

    ProgressBar(PrintWriter out, long total, boolean terminal) {
      this.out = out;
      this.total = total;
      this.terminal = terminal;
    }

    void update(StepReport report) {
      last = report;
      long decile = report.step() * 10 / total;
      if (terminal) {
        if (report.step() % 5 == 0 || report.step() == total) {
          out.print("\r" + line(report));
          out.flush();
        }
      } else if (decile != lastDecile) {
        lastDecile = decile;
        out.println(line(report));
      }
    }

    void finish() {
      if (terminal && last != null) {
        out.println("\r" + line(last));
      }
    }

    private String line(StepReport r) {
      int filled = (int) (WIDTH * r.step() / total);
      return String.format(Locale.ROOT, "[%s%s] step %d/%d  loss %.4f  epsilon %.4f",
          "#".repeat(filled), ".".repeat(WIDTH - filled), r.step(), total, r.meanLoss(),
          r.epsilonSpent());
    }
  }
}

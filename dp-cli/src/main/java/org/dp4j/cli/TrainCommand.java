package org.dp4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.budget.BudgetMode;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.dl4j.train.DpTrainer;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.config.PrivacyStatement;
import org.dp4j.training.optimizer.StepResult;
import org.dp4j.training.optimizer.TrainingDivergedException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dp4j train}: trains a small network privately with DP-SGD (Poisson sampling, flat
 * clipping, secure Gaussian noise, PLD or RDP accounting) and prints the validation and test
 * accuracy and the privacy statement. With no arguments: an MLP on the embedded 8x8 digits at
 * epsilon 3, with 10% of the training data held out for validation.
 *
 * <p>The flags become one {@link DpTrainer} builder; the trainer resolves them into one
 * configuration (noise calibration, budget filter). With {@code --ledger} every step is charged to
 * a persistent ledger: an existing ledger's delta and accountant are adopted when the flags are not
 * given and must match when they are, and the noise is calibrated to what the ledger can still
 * afford (see {@link LedgerSession}).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Train a network privately (DP-SGD) and print validation and test accuracy and"
            + " the privacy statement.")
final class TrainCommand implements Callable<Integer> {

  /** Target epsilon when neither {@code --epsilon} nor {@code --noise-multiplier} is given. */
  static final double DEFAULT_EPSILON = 3.0;

  /** Delta when {@code --delta} is not given and no existing ledger sets it. */
  static final double DEFAULT_DELTA = 1e-5;

  /** The datasets {@code --dataset} accepts. */
  enum DatasetKind {
    DIGITS("digits"),
    FASHION_MNIST("fashion-mnist");

    final String flagValue;

    DatasetKind(String flagValue) {
      this.flagValue = flagValue;
    }

    @Override
    public String toString() {
      return flagValue;
    }
  }

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      defaultValue = "digits",
      converter = DatasetConverter.class,
      description = "digits (embedded 8x8, default) or fashion-mnist (needs --data-dir).")
  DatasetKind dataset;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Directory with the Fashion-MNIST IDX files (Debian: "
              + FashionMnistDataset.DEBIAN_DIR
              + ").")
  Path dataDir;

  @Option(
      names = "--model",
      paramLabel = "mlp|cnn",
      defaultValue = "mlp",
      description =
          "Model: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). The MLP uses"
              + " ghost clipping, the CNN layerwise (im2col) clipping; both exact.")
  ModelKind model;

  @Option(
      names = "--epsilon",
      paramLabel = "E",
      description =
          "What this run may spend: the noise multiplier is calibrated so the run spends at most E"
              + " (default 3 unless --noise-multiplier is given). With a ledger the noise is also"
              + " calibrated to what the ledger can still afford.")
  Double epsilon;

  @Option(
      names = "--delta",
      paramLabel = "D",
      description = "Delta, in (0, 1) (default: 1e-5, or an existing ledger's delta).")
  Double delta;

  @Option(
      names = "--noise-multiplier",
      paramLabel = "Z",
      description =
          "Noise multiplier instead of a target epsilon (> 0); epsilon is then"
              + " reported, not capped (a limited ledger still stops the run when it is spent).")
  Double noiseMultiplier;

  @Option(
      names = "--clip-norm",
      paramLabel = "C",
      defaultValue = "" + DpTrainer.DEFAULT_CLIP_NORM,
      description = "Per-example L2 clip norm (default: ${DEFAULT-VALUE}).")
  double clipNorm;

  @Option(
      names = "--batch-size",
      paramLabel = "B",
      defaultValue = "64",
      description = "Expected (Poisson) batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      defaultValue = "15",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--learning-rate",
      paramLabel = "LR",
      defaultValue = "0.01",
      description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(
      names = "--validation-fraction",
      paramLabel = "F",
      defaultValue = "0.1",
      description =
          "Fraction of the training data held out for validation before training, in"
              + " [0, 1) (default: ${DEFAULT-VALUE}; 0: none). The model trains, and is accounted,"
              + " on the rest.")
  double validationFraction;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "1",
      description =
          "Seed for the non-private parts only: train/validation/test split and initial"
              + " weights. Batches and noise always use SecureRandom.")
  long seed;

  @Option(
      names = "--ledger",
      paramLabel = "FILE",
      description =
          "Privacy ledger to charge every step to: created with the target budget, or"
              + " opened and continued (its delta and accountant are used).")
  Path ledger;

  @Option(
      names = "--ledger-budget",
      paramLabel = "E",
      description =
          "Total epsilon of a new --ledger (default: --epsilon; with --noise-multiplier and no"
              + " --ledger-budget the new ledger is an odometer). An existing ledger keeps the"
              + " budget it was created with.")
  Double ledgerBudget;

  @Option(
      names = "--accountant",
      paramLabel = "rdp|pld",
      completionCandidates = AccountantOption.Candidates.class,
      description =
          "Accountant: ${COMPLETION-CANDIDATES} (default: pld, or an existing" + " ledger's).")
  AccountantOption accountant;

  @Option(
      names = "--non-private",
      description =
          "Baseline: train the same model WITHOUT privacy (no clipping, no noise,"
              + " shuffled minibatches) to compare accuracy.")
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

  /** The progress bar of the running private job (set once its planned steps are known). */
  private ProgressBar progress;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    OptionalDouble runEpsilon = checkFlags();
    TrainingData data =
        withValidation(
            dataset == DatasetKind.DIGITS
                ? DigitsDataset.load(seed)
                : FashionMnistDataset.load(requireDataDir()));
    int n = data.train().numExamples();
    if (batchSize > n) {
      throw UserError.flag("--batch-size", "at most the training set size " + n, batchSize);
    }
    MultiLayerNetwork network = model.build(data, seed, new Adam(learningRate));
    if (nonPrivate) {
      return trainNonPrivate(out, data, network);
    }
    try (LedgerSession session =
        LedgerSession.open(
            Optional.ofNullable(ledger),
            optional(delta),
            Optional.ofNullable(accountant),
            optional(ledgerBudget),
            runEpsilon)) {
      return trainPrivately(out, data, network, session, runEpsilon);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Checks the flags on their own and together.
   *
   * @return the run's target epsilon; empty with {@code --noise-multiplier}
   */
  private OptionalDouble checkFlags() {
    if (delta != null) {
      Flags.delta("--delta", delta);
    }
    Flags.positiveFinite("--clip-norm", clipNorm);
    Flags.positiveFinite("--learning-rate", learningRate);
    if (batchSize < 1) {
      throw UserError.flag("--batch-size", "a positive integer", batchSize);
    }
    if (epochs < 1) {
      throw UserError.flag("--epochs", "a positive integer", epochs);
    }
    if (!(validationFraction >= 0 && validationFraction < 1)) {
      throw UserError.flag("--validation-fraction", "in [0, 1)", validationFraction);
    }
    if (epsilon != null && noiseMultiplier != null) {
      throw new UserError("--epsilon and --noise-multiplier must not both be given, got both");
    }
    OptionalDouble runEpsilon =
        noiseMultiplier != null
            ? OptionalDouble.empty()
            : OptionalDouble.of(
                epsilon == null ? DEFAULT_EPSILON : Flags.positiveFinite("--epsilon", epsilon));
    if (noiseMultiplier != null) {
      Flags.positiveFinite("--noise-multiplier", noiseMultiplier);
    }
    if (ledgerBudget != null) {
      Flags.positiveFinite("--ledger-budget", ledgerBudget);
      if (ledger == null) {
        throw new UserError("--ledger-budget must be used with --ledger, got no --ledger");
      }
    }
    if (dataset == DatasetKind.DIGITS && dataDir != null) {
      throw new UserError(
          "--data-dir must be used with --dataset fashion-mnist, got --dataset" + " digits");
    }
    if (nonPrivate && (epsilon != null || noiseMultiplier != null || ledger != null)) {
      throw new UserError(
          "--non-private must not be combined with --epsilon, "
              + "--noise-multiplier or --ledger, got one of them");
    }
    return runEpsilon;
  }

  private static OptionalDouble optional(Double flag) {
    return flag == null ? OptionalDouble.empty() : OptionalDouble.of(flag);
  }

  private int trainPrivately(
      PrintWriter out,
      TrainingData data,
      MultiLayerNetwork network,
      LedgerSession session,
      OptionalDouble runEpsilon) {
    DpTrainer.Builder builder =
        DpTrainer.builder(network, data.train())
            .clipNorm(clipNorm)
            .batchSize(batchSize)
            .epochs(epochs)
            .runName(runName())
            .listener(r -> progress.update(r));
    if (runEpsilon.isPresent()) {
      builder.target(PrivacyBudget.approximate(runEpsilon.getAsDouble(), session.delta()));
    } else {
      builder.noiseMultiplier(noiseMultiplier).targetDelta(session.delta());
    }
    DpTrainer trainer = session.build(builder);
    DpSgdConfig config = trainer.config();
    long steps = config.plannedSteps();
    Optional<DataSet> validation = data.validation();
    progress =
        new ProgressBar(
            out,
            steps,
            epochs,
            System.console() != null,
            session.isLedger() ? "ledger epsilon" : "epsilon",
            validation.<DoubleSupplier>map(v -> () -> accuracy(network, v)).orElse(null));
    out.printf(
        Locale.ROOT,
        "dp4j train: %s (%d training, %d validation, %d test examples), "
            + "model %s, %s per-example clipping%n",
        data.name(),
        config.datasetSize(),
        validation.map(DataSet::numExamples).orElse(0),
        data.test().numExamples(),
        model.name().toLowerCase(Locale.ROOT),
        trainer.gradientMethod().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    out.printf(
        Locale.ROOT,
        "DP-SGD: %d %s (%d %s), sampling rate %.5g, clip norm %.4g, " + "noise multiplier %.5g%s%n",
        steps,
        steps == 1 ? "step" : "steps",
        epochs,
        epochs == 1 ? "epoch" : "epochs",
        config.samplingRate(),
        clipNorm,
        config.noiseMultiplier(),
        config.calibration().isPresent() ? " (" + session.calibrationNote(config) + ")" : "");
    session.printPlan(out, config);

    Optional<TrainingDivergedException> diverged = run(trainer, session);
    PrivacyStatement statement = trainer.privacyStatement();
    if (diverged.isPresent()) {
      out.println(spentLine(statement, trainer.filter(), session));
      out.flush();
      throw divergedError(diverged.get(), steps);
    }
    if (validation.isPresent()) {
      out.printf(
          Locale.ROOT,
          "validation accuracy: %.4f (%d held-out training examples)%n",
          accuracy(network, validation.get()),
          validation.get().numExamples());
    }
    out.printf(
        Locale.ROOT,
        "test accuracy: %.4f (%d test examples)%n",
        accuracy(network, data.test()),
        data.test().numExamples());
    out.println(spentLine(statement, trainer.filter(), session));
    out.println("privacy: " + statement.text());
    out.println(
        "not protected: the validation and test examples, the accuracies computed on them"
            + ", and the choice of these flags (including --seed "
            + seed
            + ", which fixes the split)"
            + " are outside this guarantee.");
    return 0;
  }

  /**
   * Trains until the planned steps are taken, the budget cannot afford the next step (said in a
   * line), or training diverges (returned).
   */
  private Optional<TrainingDivergedException> run(DpTrainer trainer, LedgerSession session) {
    PrintWriter out = progress.out;
    try {
      trainer.train();
    } catch (PrivacyBudgetExceededException e) {
      if (trainer.stepsTaken() == 0) {
        throw session.cannotAffordOneStep(trainer.filter());
      }
      progress.finish();
      out.println(
          "stopped after "
              + trainer.stepsTaken()
              + " of "
              + trainer.config().plannedSteps()
              + " steps: "
              + (session.isLedger() ? "the ledger " + ledger : "the --epsilon budget")
              + " cannot afford another step");
      return Optional.empty();
    } catch (TrainingDivergedException e) {
      progress.finish();
      return Optional.of(e);
    }
    progress.finish();
    return Optional.empty();
  }

  /** The one-line error of a run that diverged: what happened and which flags to lower. */
  private UserError divergedError(TrainingDivergedException diverged, long steps) {
    String what =
        diverged.parametersChanged()
            ? diverged.nonFiniteCount() + " parameter(s) became NaN or infinite"
            : "the noisy update had "
                + diverged.nonFiniteCount()
                + " NaN or infinite entries "
                + "(not applied)";
    return new UserError(
        "training diverged at step "
            + diverged.step()
            + " of "
            + steps
            + ": "
            + what
            + "; stopped, nothing more spent; --clip-norm "
            + clipNorm
            + " or --learning-rate "
            + learningRate
            + " must be smaller");
  }

  /** "epsilon spent: ..." with this run's and (with a ledger) the ledger's epsilon, one delta. */
  private static String spentLine(
      PrivacyStatement statement, PrivacyFilter filter, LedgerSession session) {
    String line =
        String.format(
            Locale.ROOT,
            "epsilon spent: %.4g by this run (%d %s) at delta" + " %.3g",
            statement.epsilon(),
            statement.steps(),
            statement.steps() == 1 ? "step" : "steps",
            statement.delta());
    if (session.isLedger()) {
      line +=
          String.format(
              Locale.ROOT,
              "; ledger total %.4g%s at delta %.3g",
              filter.spent(),
              filter.mode() == BudgetMode.LIMITED
                  ? String.format(
                      Locale.ROOT, " of its budget %.4g", filter.budget().orElseThrow().epsilon())
                  : " (odometer, no limit)",
              filter.targetDelta());
    }
    return line;
  }

  /** The run name in the ledger labels: "dp4j train <start time>". */
  private static String runName() {
    return "dp4j train "
        + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  private TrainingData withValidation(TrainingData data) {
    return withValidation(data, validationFraction, seed);
  }

  /**
   * {@code data} with a fraction of its training part held out for validation (flag {@code
   * --validation-fraction}), after a shuffle seeded with {@code seed}.
   */
  static TrainingData withValidation(TrainingData data, double validationFraction, long seed) {
    if (validationFraction == 0) {
      return data;
    }
    int total = data.train().numExamples();
    long count = Math.round(total * validationFraction);
    if (count < 1 || count >= total) {
      throw UserError.flag(
          "--validation-fraction",
          "0 or a fraction that holds out 1 to "
              + (total - 1)
              + " of the "
              + total
              + " training examples",
          validationFraction);
    }
    return data.withValidation((int) count, seed);
  }

  private int trainNonPrivate(PrintWriter out, TrainingData data, MultiLayerNetwork network) {
    int n = data.train().numExamples();
    Optional<DataSet> validation = data.validation();
    out.printf(
        Locale.ROOT,
        "dp4j train: %s (%d training, %d validation, %d test examples), "
            + "model %s, NON-PRIVATE baseline: %d epochs of minibatches of %d%n",
        data.name(),
        n,
        validation.map(DataSet::numExamples).orElse(0),
        data.test().numExamples(),
        model.name().toLowerCase(Locale.ROOT),
        epochs,
        batchSize);
    for (int epoch = 0; epoch < epochs; epoch++) {
      int[] order = DigitsDataset.shuffled(n, seed + 1 + epoch);
      for (int from = 0; from < n; from += batchSize) {
        int[] rows = Arrays.copyOfRange(order, from, Math.min(n, from + batchSize));
        network.fit(
            new DataSet(
                data.train().getFeatures().getRows(rows), data.train().getLabels().getRows(rows)));
      }
      out.printf(
          Locale.ROOT,
          "epoch %d/%d  loss %.4f%s%n",
          epoch + 1,
          epochs,
          network.score(),
          validation
              .map(
                  v ->
                      String.format(
                          Locale.ROOT, "  validation accuracy %.4f", accuracy(network, v)))
              .orElse(""));
    }
    if (validation.isPresent()) {
      out.printf(
          Locale.ROOT,
          "validation accuracy: %.4f (%d held-out training examples)%n",
          accuracy(network, validation.get()),
          validation.get().numExamples());
    }
    out.printf(
        Locale.ROOT,
        "test accuracy: %.4f (%d test examples)%n",
        accuracy(network, data.test()),
        data.test().numExamples());
    out.println("privacy: NONE (non-private baseline; no differential privacy guarantee)");
    return 0;
  }

  private Path requireDataDir() {
    return requireDataDir(dataDir);
  }

  /** The {@code --data-dir} of Fashion-MNIST, checked: given and an existing directory. */
  static Path requireDataDir(Path dataDir) {
    if (dataDir == null) {
      throw new UserError(
          "--data-dir must be given with --dataset fashion-mnist, got nothing (on "
              + "Debian: apt-get install dataset-fashion-mnist, then --data-dir "
              + FashionMnistDataset.DEBIAN_DIR
              + ")");
    }
    if (!Files.isDirectory(dataDir)) {
      throw UserError.flag("--data-dir", "an existing directory", dataDir);
    }
    return dataDir;
  }

  /** The fraction of {@code data} the network classifies correctly. */
  static double accuracy(MultiLayerNetwork network, DataSet data) {
    INDArray predicted = network.output(data.getFeatures(), false).argMax(1);
    INDArray truth = data.getLabels().argMax(1);
    return predicted.eq(truth).castTo(DataType.INT).sumNumber().doubleValue() / data.numExamples();
  }

  /**
   * A one-line progress bar with the epsilon spent (and its delta), redrawn on a terminal; at the
   * end of every epoch a permanent line that adds the validation accuracy (not on a terminal, with
   * fewer than 10 epochs, also a line every tenth of the steps). The batch loss is shown as what it
   * is: a non-private diagnostic.
   */
  static final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final long total;
    private final int epochs;
    private final boolean terminal;
    private final String epsilonLabel;
    private final DoubleSupplier validationAccuracy;
    private int epochsDone;
    private long lastDecile;
    private StepResult last;

    /**
     * @param validationAccuracy evaluates the held-out validation set; null when there is none
     */
    ProgressBar(
        PrintWriter out,
        long total,
        int epochs,
        boolean terminal,
        String epsilonLabel,
        DoubleSupplier validationAccuracy) {
      this.out = out;
      this.total = total;
      this.epochs = epochs;
      this.terminal = terminal;
      this.epsilonLabel = epsilonLabel;
      this.validationAccuracy = validationAccuracy;
    }

    /** The step that ends epoch {@code e} (1-based): steps are spread evenly over the epochs. */
    private long epochEnd(int e) {
      return Math.max(1, Math.round((double) e * total / epochs));
    }

    void update(StepResult report) {
      last = report;
      boolean epochEnds = epochsDone < epochs && report.step() >= epochEnd(epochsDone + 1);
      if (epochEnds) {
        while (epochsDone < epochs && report.step() >= epochEnd(epochsDone + 1)) {
          epochsDone++;
        }
        String validation =
            validationAccuracy == null
                ? ""
                : String.format(
                    Locale.ROOT, "  validation accuracy %.4f", validationAccuracy.getAsDouble());
        out.println(
            (terminal ? "\r" : "")
                + line(report)
                + String.format(Locale.ROOT, "  (epoch %d/%d)", epochsDone, epochs)
                + validation);
        out.flush();
      } else if (terminal && report.step() % 5 == 0) {
        out.print("\r" + line(report));
        out.flush();
      } else if (!terminal && epochs < 10 && report.step() * 10 / total > lastDecile) {
        out.println(line(report));
      }
      lastDecile = report.step() * 10 / total;
    }

    void finish() {
      if (terminal && last != null && last.step() < epochEnd(epochs)) {
        out.println("\r" + line(last));
      }
      out.flush();
    }

    private String line(StepResult r) {
      int filled = (int) (WIDTH * Math.min(r.step(), total) / total);
      return String.format(
          Locale.ROOT,
          "[%s%s] step %d/%d  %s %.4f at delta %.3g  non-private " + "batch loss %.4f",
          "#".repeat(filled),
          ".".repeat(WIDTH - filled),
          r.step(),
          total,
          epsilonLabel,
          r.spentEpsilon(),
          r.delta(),
          r.meanLoss().orElse(Double.NaN));
    }
  }
}

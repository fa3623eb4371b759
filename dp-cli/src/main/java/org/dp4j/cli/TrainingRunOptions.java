package org.dp4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.dl4j.train.DpTrainer;
import org.nd4j.linalg.learning.config.Adam;
import picocli.CommandLine.Option;

/**
 * The flags of a private training run, shared by {@code dp4j train} and {@code dp4j audit} (a
 * picocli mixin): the data, the model, the privacy target, the optimizer settings and the ledger,
 * with their checks and the steps both commands take from them (load the data, build the network,
 * open the ledger session, state the run on a {@link DpTrainer} builder).
 */
final class TrainingRunOptions {

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
      paramLabel = "mlp|cnn|lstm|resnet",
      defaultValue = "mlp",
      description =
          "Model: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). The MLP uses"
              + " ghost clipping, the CNN layerwise (im2col) clipping; the LSTM reads each"
              + " image row as a time step; the residual CNN (a ComputationGraph) uses"
              + " layerwise clipping through the graph engine; all exact.")
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

  /**
   * Checks the flags on their own and together.
   *
   * @return the run's target epsilon; empty with {@code --noise-multiplier}
   */
  OptionalDouble check() {
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
          "--data-dir must be used with --dataset fashion-mnist, got --dataset digits");
    }
    return runEpsilon;
  }

  /**
   * The data of the run: the dataset, with the validation split held out, checked against {@code
   * --batch-size}, in the form the {@code --model} reads ({@link ModelKind#input}).
   */
  TrainingData loadData() {
    TrainingData data =
        withValidation(
            dataset == DatasetKind.DIGITS
                ? DigitsDataset.load(seed)
                : FashionMnistDataset.load(requireDataDir()));
    int n = data.train().numExamples();
    if (batchSize > n) {
      throw UserError.flag("--batch-size", "at most the training set size " + n, batchSize);
    }
    return model.input(data);
  }

  /** The {@code --model} network for {@code data}, initialized with {@code --seed}. */
  TrainableModel network(TrainingData data) {
    return model.model(data, seed, new Adam(learningRate));
  }

  /** The ledger session of the flags (no ledger without {@code --ledger}). */
  LedgerSession openLedgerSession(OptionalDouble runEpsilon) throws IOException {
    return LedgerSession.open(
        Optional.ofNullable(ledger),
        optional(delta),
        Optional.ofNullable(accountant),
        optional(ledgerBudget),
        runEpsilon);
  }

  /**
   * States the run on {@code builder}: clip norm, batch size, epochs, and the target {@code
   * (runEpsilon, delta)} or, without a target, the noise multiplier at {@code delta}.
   */
  DpTrainer.Builder configure(DpTrainer.Builder builder, OptionalDouble runEpsilon, double delta) {
    builder.clipNorm(clipNorm).batchSize(batchSize).epochs(epochs);
    if (runEpsilon.isPresent()) {
      return builder.target(PrivacyBudget.approximate(runEpsilon.getAsDouble(), delta));
    }
    return builder.noiseMultiplier(noiseMultiplier).targetDelta(delta);
  }

  private static OptionalDouble optional(Double flag) {
    return flag == null ? OptionalDouble.empty() : OptionalDouble.of(flag);
  }

  /**
   * {@code data} with a fraction of its training part held out for validation (flag {@code
   * --validation-fraction}), after a shuffle seeded with {@code --seed}.
   */
  private TrainingData withValidation(TrainingData data) {
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

  /** The {@code --data-dir} of Fashion-MNIST, checked: given and an existing directory. */
  private Path requireDataDir() {
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
}

package org.dp4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;
import org.dp4j.core.budget.BudgetMode;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.internal.SeededPermutation;
import org.dp4j.dl4j.train.DpTrainer;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.config.PrivacyStatement;
import org.dp4j.training.optimizer.StepResult;
import org.dp4j.training.optimizer.TrainingDivergedException;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
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

  @picocli.CommandLine.Mixin TrainingRunOptions run;

  @Option(
      names = "--non-private",
      description =
          "Baseline: train the same model WITHOUT privacy (no clipping, no noise,"
              + " shuffled minibatches) to compare accuracy.")
  boolean nonPrivate;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** The progress bar of the running private job (set once its planned steps are known). */
  private ProgressBar progress;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    OptionalDouble runEpsilon = checkFlags();
    TrainingData data = run.loadData();
    TrainableModel network = run.network(data);
    if (nonPrivate) {
      return trainNonPrivate(out, data, network);
    }
    try (LedgerSession session = run.openLedgerSession(runEpsilon)) {
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
    OptionalDouble runEpsilon = run.check();
    if (nonPrivate && (run.epsilon != null || run.noiseMultiplier != null || run.ledger != null)) {
      throw new UserError(
          "--non-private must not be combined with --epsilon, "
              + "--noise-multiplier or --ledger, got one of them");
    }
    return runEpsilon;
  }

  private int trainPrivately(
      PrintWriter out,
      TrainingData data,
      TrainableModel network,
      LedgerSession session,
      OptionalDouble runEpsilon) {
    DpTrainer.Builder builder =
        run.configure(
            network.trainer(data.train()).runName(runName()).listener(r -> progress.update(r)),
            runEpsilon,
            session.delta());
    DpTrainer trainer = session.build(builder);
    DpSgdConfig config = trainer.config();
    long steps = config.plannedSteps();
    Optional<DataSet> validation = data.validation();
    progress =
        new ProgressBar(
            out,
            steps,
            run.epochs,
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
        run.model.name().toLowerCase(Locale.ROOT),
        trainer.gradientMethod().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    out.printf(
        Locale.ROOT,
        "DP-SGD: %d %s (%d %s), sampling rate %.5g, clip norm %.4g, " + "noise multiplier %.5g%s%n",
        steps,
        steps == 1 ? "step" : "steps",
        run.epochs,
        run.epochs == 1 ? "epoch" : "epochs",
        config.samplingRate(),
        run.clipNorm,
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
    printAccuracies(out, network, data);
    out.println(spentLine(statement, trainer.filter(), session));
    out.println("privacy: " + statement.text());
    out.println(
        "not protected: the validation and test examples, the accuracies computed on them"
            + ", and the choice of these flags (including --seed "
            + run.seed
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
              + (session.isLedger() ? "the ledger " + run.ledger : "the --epsilon budget")
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
            + run.clipNorm
            + " or --learning-rate "
            + run.learningRate
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

  private int trainNonPrivate(PrintWriter out, TrainingData data, TrainableModel network) {
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
        run.model.name().toLowerCase(Locale.ROOT),
        run.epochs,
        run.batchSize);
    for (int epoch = 0; epoch < run.epochs; epoch++) {
      int[] order = SeededPermutation.of(n, run.seed + 1 + epoch);
      for (int from = 0; from < n; from += run.batchSize) {
        int[] rows = Arrays.copyOfRange(order, from, Math.min(n, from + run.batchSize));
        network.fit(TrainingData.rows(data.train(), rows));
      }
      out.printf(
          Locale.ROOT,
          "epoch %d/%d  loss %.4f%s%n",
          epoch + 1,
          run.epochs,
          network.score(),
          validation
              .map(
                  v ->
                      String.format(
                          Locale.ROOT, "  validation accuracy %.4f", accuracy(network, v)))
              .orElse(""));
    }
    printAccuracies(out, network, data);
    out.println("privacy: NONE (non-private baseline; no differential privacy guarantee)");
    return 0;
  }

  /** Prints the final validation accuracy (when there is a validation split) and test accuracy. */
  private static void printAccuracies(PrintWriter out, TrainableModel network, TrainingData data) {
    data.validation()
        .ifPresent(
            v ->
                out.printf(
                    Locale.ROOT,
                    "validation accuracy: %.4f (%d held-out training examples)%n",
                    accuracy(network, v),
                    v.numExamples()));
    out.printf(
        Locale.ROOT,
        "test accuracy: %.4f (%d test examples)%n",
        accuracy(network, data.test()),
        data.test().numExamples());
  }

  /** The fraction of {@code data} the network classifies correctly. */
  static double accuracy(TrainableModel network, DataSet data) {
    INDArray predicted = network.output(data.getFeatures()).argMax(1);
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

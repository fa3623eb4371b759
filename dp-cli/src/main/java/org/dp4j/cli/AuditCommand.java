package org.dp4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.dl4j.audit.PrivacyAudit;
import org.dp4j.dl4j.train.DpTrainer;
import org.dp4j.training.audit.AuditResult;
import org.dp4j.training.audit.CanaryKind;
import org.dp4j.training.audit.CanaryScoring;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.optimizer.StepResult;
import org.dp4j.training.optimizer.TrainingDivergedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dp4j audit}: trains the same model as {@code dp4j train} (same flags, same defaults) once,
 * with canaries added, and prints the run's claimed epsilon, the empirical lower bound the canaries
 * prove at the given confidence, and whether the bound exceeds the claim, which proves a privacy
 * bug (exit status {@value #VIOLATION}). See {@link PrivacyAudit}.
 *
 * <p>{@code --understate-noise FACTOR} is a deliberate fault for demonstrating the audit: the run
 * adds FACTOR times less noise than its accounting assumes. It is never the default, prints a
 * warning, and is refused with {@code --ledger}.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description =
        "Audit a private training run in one run: train with canaries and print the claimed"
            + " epsilon, the empirical lower bound and whether it exceeds the claim.")
final class AuditCommand implements Callable<Integer> {

  /** Exit status when the lower bound exceeds the claimed epsilon: a proven privacy violation. */
  static final int VIOLATION = 3;

  /** The canary kinds {@code --canary-kind} accepts. */
  enum KindOption {
    GRADIENT(CanaryKind.GRADIENT),
    INPUT(CanaryKind.INPUT);

    final CanaryKind kind;

    KindOption(CanaryKind kind) {
      this.kind = kind;
    }

    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  @picocli.CommandLine.Mixin TrainingRunOptions run;

  @Option(
      names = "--canaries",
      paramLabel = "M",
      defaultValue = "" + PrivacyAudit.DEFAULT_CANARIES,
      description =
          "Number of canaries, each included with probability 1/2 (default: ${DEFAULT-VALUE})."
              + " More canaries allow higher bounds.")
  int canaries;

  @Option(
      names = "--confidence",
      paramLabel = "C",
      defaultValue = "" + PrivacyAudit.DEFAULT_CONFIDENCE,
      description = "Confidence of the lower bound, in (0, 1) (default: ${DEFAULT-VALUE}).")
  double confidence;

  @Option(
      names = "--canary-kind",
      paramLabel = "gradient|input",
      defaultValue = "gradient",
      description =
          "gradient: white-box canaries injected before clipping, scored from the released noisy"
              + " gradients (default); input: out-of-distribution examples with random labels,"
              + " scored by their loss on the final model.")
  KindOption canaryKind;

  @Option(
      names = "--canary-score",
      paramLabel = "likelihood-ratio|sum",
      converter = ScoreConverter.class,
      description =
          "How gradient canaries are scored from the released noisy gradients: likelihood-ratio"
              + " (default, the most powerful) or sum (the inner products summed over the"
              + " steps). Gradient canaries only: input canaries are scored by their loss.")
  CanaryScoring canaryScore;

  /** Converts {@code likelihood-ratio}/{@code sum}. */
  static final class ScoreConverter implements picocli.CommandLine.ITypeConverter<CanaryScoring> {
    @Override
    public CanaryScoring convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "likelihood-ratio" -> CanaryScoring.LIKELIHOOD_RATIO;
        case "sum" -> CanaryScoring.INNER_PRODUCT_SUM;
        default ->
            throw new picocli.CommandLine.TypeConversionException(
                "must be likelihood-ratio or sum, got " + value);
      };
    }
  }

  @Option(
      names = "--canary-seed",
      paramLabel = "S",
      description =
          "Seed for the canaries and their inclusion bits (default: SecureRandom, a fresh draw"
              + " every run).")
  Long canarySeed;

  @Option(names = "--no-fdp", description = "Skip the f-DP analysis (a few seconds).")
  boolean noFdp;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(
      names = "--understate-noise",
      paramLabel = "FACTOR",
      description =
          "DELIBERATE FAULT for demonstrating the audit: train with FACTOR times less noise than"
              + " the accounting assumes (NOT PRIVATE; refused with --ledger).")
  Double understateNoise;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    OptionalDouble runEpsilon = checkFlags();
    if (understateNoise != null) {
      String warning =
          String.format(
              Locale.ROOT,
              "WARNING: --understate-noise %s is a DELIBERATE FAULT: this run adds %s times less"
                  + " noise than its privacy accounting assumes. It is NOT PRIVATE and exists only"
                  + " to show that the audit catches a broken run.",
              understateNoise,
              understateNoise);
      err.println("dp4j audit: " + warning);
      if (!json) {
        out.println(warning);
      }
    }
    TrainingData data = run.loadData();
    TrainableModel network = run.network(data);
    if (canaryKind == KindOption.GRADIENT && canaries > network.numParams()) {
      throw UserError.flag(
          "--canaries",
          "at most the model's " + network.numParams() + " parameters for gradient canaries",
          canaries);
    }
    try (LedgerSession session = run.openLedgerSession(runEpsilon)) {
      return audit(out, data, network, session, runEpsilon);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private OptionalDouble checkFlags() {
    OptionalDouble runEpsilon = run.check();
    if (run.model == ModelKind.RESNET) {
      throw new UserError(
          "--model must be mlp, cnn or lstm for dp4j audit (the audit trains a"
              + " MultiLayerNetwork), got resnet");
    }
    if (canaries < 2) {
      throw UserError.flag("--canaries", "an integer >= 2", canaries);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw UserError.flag("--confidence", "in (0, 1)", confidence);
    }
    if (canaryKind == KindOption.INPUT && canaryScore != null) {
      throw new UserError(
          "--canary-score must not be given with --canary-kind input (input canaries are scored by"
              + " their loss), got "
              + scoreName(canaryScore));
    }
    if (understateNoise != null) {
      if (!(understateNoise > 1 && understateNoise < Double.POSITIVE_INFINITY)) {
        throw UserError.flag("--understate-noise", "above 1 and finite", understateNoise);
      }
      if (run.ledger != null) {
        throw new UserError(
            "--understate-noise must not be combined with --ledger, got both (a deliberately"
                + " broken run must never be recorded as a private spend)");
      }
    }
    return runEpsilon;
  }

  private int audit(
      PrintWriter out,
      TrainingData data,
      TrainableModel network,
      LedgerSession session,
      OptionalDouble runEpsilon) {
    long started = System.nanoTime();
    Progress progress = new Progress(json ? new PrintWriter(java.io.Writer.nullWriter()) : out);
    PrivacyAudit.Builder audit =
        network
            .audit(data.train())
            .run(
                b ->
                    run.configure(
                        b.runName(
                                "dp4j audit "
                                    + java.time.Instant.now()
                                        .truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                            .listener(progress::update),
                        runEpsilon,
                        session.delta()))
            .trainerFactory(
                b -> {
                  DpTrainer trainer = session.build(b);
                  progress.start(trainer.config());
                  return trainer;
                })
            .canaryKind(canaryKind.kind)
            .scoring(gradientScoring())
            .canaries(canaries)
            .confidence(confidence)
            .fdpAnalysis(!noFdp);
    if (canarySeed != null) {
      audit.selectionRandom(new SplittableRandom(canarySeed));
    }
    if (understateNoise != null) {
      audit.deliberateFaultUnderstateNoise(understateNoise);
    }
    if (!json) {
      out.printf(
          Locale.ROOT,
          "dp4j audit: %s (%d training examples), model %s; %d %s canaries, each included with"
              + " probability 1/2; %.4g%% confidence%n",
          data.name(),
          data.train().numExamples(),
          run.model.name().toLowerCase(Locale.ROOT),
          canaries,
          canaryKind,
          100 * confidence);
      out.flush();
    }
    AuditResult result;
    try {
      result = audit.build().audit();
    } catch (PrivacyBudgetExceededException e) {
      throw new UserError("the audited run cannot afford its planned steps: " + e.getMessage());
    } catch (TrainingDivergedException e) {
      throw new UserError(
          "the audited run diverged at step "
              + e.step()
              + "; --clip-norm "
              + run.clipNorm
              + " or --learning-rate "
              + run.learningRate
              + " must be smaller");
    }
    double accuracy = TrainCommand.accuracy(network, data.test());
    if (json) {
      out.println(json(result, accuracy, (System.nanoTime() - started) / 1e9));
    } else {
      out.printf(
          Locale.ROOT,
          "test accuracy of the audited model: %.4f (%d test examples)%n",
          accuracy,
          data.test().numExamples());
      out.println(result.summary());
    }
    return result.exceedsClaim() ? VIOLATION : 0;
  }

  private JsonObject json(AuditResult result, double accuracy, double seconds) {
    JsonObject o =
        new JsonObject()
            .put("canary_kind", canaryKind.toString())
            .put("canary_score", scoreName())
            .put("canaries", result.canaries())
            .put("included", result.scores().includedCount())
            .put("confidence", result.confidence())
            .put("claimed_epsilon", result.claimedEpsilon())
            .put("delta", result.delta())
            .put("steps", result.claim().steps())
            .put("noise_multiplier", result.claim().noiseMultiplier())
            .put("sampling_rate", result.claim().config().samplingRate())
            .put("rules", result.plan().rules().size())
            .put("top", result.rule().top())
            .put("bottom", result.rule().bottom())
            .put("guesses", result.counts().guesses())
            .put("correct", result.counts().correct())
            .put("lower_bound", result.epsilonLowerBound())
            .put("exceeds_claim", result.exceedsClaim());
    result
        .fdp()
        .ifPresent(
            f ->
                o.put("fdp_rejects_claimed_curve", f.rejectsClaimedCurve())
                    .put("fdp_noise_multiplier_bound", f.noiseMultiplierBound())
                    .put("fdp_epsilon_within_dp_sgd", f.epsilonWithinDpSgd()));
    if (result.understatedNoiseFactor().isPresent()) {
      o.put("understated_noise_factor", result.understatedNoiseFactor().getAsDouble());
    }
    return o.put("test_accuracy", accuracy).put("seconds", seconds);
  }

  /** The score the guesses were made from: the loss for input canaries. */
  private String scoreName() {
    if (canaryKind == KindOption.INPUT) {
      return "loss";
    }
    return scoreName(gradientScoring());
  }

  /** The gradient canaries' score: {@code --canary-score}, likelihood ratio when not given. */
  private CanaryScoring gradientScoring() {
    return canaryScore == null ? CanaryScoring.LIKELIHOOD_RATIO : canaryScore;
  }

  private static String scoreName(CanaryScoring scoring) {
    return scoring == CanaryScoring.LIKELIHOOD_RATIO ? "likelihood-ratio" : "sum";
  }

  /** A progress line at every tenth of the steps. */
  static final class Progress {
    private final PrintWriter out;
    private long total;
    private long lastDecile;

    Progress(PrintWriter out) {
      this.out = out;
    }

    void start(DpSgdConfig config) {
      this.total = config.plannedSteps();
      out.printf(
          Locale.ROOT,
          "DP-SGD: %d steps, sampling rate %.5g, clip norm %.4g, noise multiplier %.5g%n",
          total,
          config.samplingRate(),
          config.clipper().l2Sensitivity(),
          config.noiseMultiplier());
      out.flush();
    }

    void update(StepResult r) {
      long decile = total == 0 ? 10 : r.step() * 10 / total;
      if (decile > lastDecile) {
        lastDecile = decile;
        out.printf(
            Locale.ROOT,
            "step %d/%d  epsilon %.4f at delta %.3g%n",
            r.step(),
            total,
            r.spentEpsilon(),
            r.delta());
        out.flush();
      }
    }
  }
}

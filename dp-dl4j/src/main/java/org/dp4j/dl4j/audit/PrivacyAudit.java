package org.dp4j.dl4j.audit;

import java.security.SecureRandom;
import java.util.OptionalDouble;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.internal.Checks;
import org.dp4j.dl4j.gradients.NetworkGradients;
import org.dp4j.dl4j.train.DpTrainer;
import org.dp4j.training.audit.AuditResult;
import org.dp4j.training.audit.CanaryKind;
import org.dp4j.training.audit.CanaryScores;
import org.dp4j.training.audit.CanaryScoring;
import org.dp4j.training.audit.ClaimedPrivacy;
import org.dp4j.training.audit.GradientCanaries;
import org.dp4j.training.audit.GuessPlan;
import org.dp4j.training.audit.OneRunAudit;
import org.dp4j.training.audit.UnderstatedNoise;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.dp4j.training.internal.ExampleRows;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.optimizer.TrainingDivergedException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A one-run privacy audit of Deeplearning4j training with DP-SGD (Steinke, Nasr &amp; Jagielski
 * 2023, "Privacy Auditing with One (1) Training Run"): trains the network once with a real {@link
 * DpTrainer}, canaries added, and turns the canaries' scores into an empirical lower bound on
 * epsilon, compared with the run's claim.
 *
 * <pre>{@code
 * AuditResult result = PrivacyAudit.builder(network, trainData)
 *     .run(b -> b.target(PrivacyBudget.approximate(1, 1e-5)).batchSize(64).epochs(15))
 *     .canaryKind(CanaryKind.GRADIENT).canaries(1000).confidence(0.95)
 *     .build().audit();
 * System.out.println(result.summary());
 * }</pre>
 *
 * <p><b>The run.</b> {@link Builder#run} states the run's settings on a {@code DpTrainer.Builder}
 * exactly as for training (target or noise multiplier, batch size, epochs or steps, clip norm,
 * accountant, updater, listener, a ledger's filter); the audit then adds its canaries, and the
 * trainer is built ({@link Builder#trainerFactory}, by default {@code DpTrainer.Builder::build}).
 * Each canary is included independently with probability 1/2; the sampling rate, the number of
 * steps, the noise multiplier and the divisor of the run are fixed before the inclusion bits are
 * drawn, so the run's claim is exactly its claim for its training set, canaries included.
 *
 * <ul>
 *   <li>{@link CanaryKind#GRADIENT} (default): dp-training's {@link GradientCanaries}, injected
 *       before clipping with a norm {@value #GRADIENT_CANARY_NORM_IN_CLIP_NORMS} times the clip
 *       norm; each included canary joins every step with the run's sampling rate, like a training
 *       example, and is scored from the released noisy gradients (white box; {@link
 *       Builder#scoring}).
 *   <li>{@link CanaryKind#INPUT}: canary examples in input space (by default out-of-distribution
 *       inputs, uniform in {@code [0, 1)}, with random labels; or {@link Builder#inputCanaries}),
 *       scored by minus their loss on the final model (black box). The training set handed to the
 *       trainer holds the real examples and one slot per canary, so the trainer's own Poisson
 *       sampler draws the canaries and its size, sampling rate and steps do not depend on the
 *       inclusion bits: the slot of an excluded canary holds a row of NaN features, which the
 *       trainer samples like any row and skips ({@link NonFiniteGradientPolicy#SKIP_EXAMPLE}, which
 *       the audit sets): it contributes exactly nothing, as if absent. The claim is computed for
 *       this training set, real examples plus canary slots.
 * </ul>
 *
 * <p><b>What it proves.</b> See {@link AuditResult}: a lower bound above the claim proves a privacy
 * bug at the stated confidence; a bound below it is a lower bound for this audit's canaries and
 * scores only. The audit trains on the real data, and its steps are charged like any run's.
 *
 * <p>Not thread-safe; one audit per network.
 */
public final class PrivacyAudit {

  /** A gradient canary's norm before clipping, in units of the run's (initial) clip norm. */
  public static final double GRADIENT_CANARY_NORM_IN_CLIP_NORMS = 1000;

  /** The default number of canaries. */
  public static final int DEFAULT_CANARIES = 1000;

  /** The default confidence. */
  public static final double DEFAULT_CONFIDENCE = 0.95;

  private final Builder b;

  private PrivacyAudit(Builder b) {
    this.b = b;
  }

  /**
   * A builder auditing a run that trains {@code network} on {@code trainData}.
   *
   * @param network an initialised network; trained in place
   * @param trainData the real training set
   * @return the builder
   */
  public static Builder builder(MultiLayerNetwork network, DataSet trainData) {
    return new Builder(network, trainData);
  }

  /**
   * Trains once with the canaries and returns the audit.
   *
   * @return the result
   * @throws PrivacyBudgetExceededException when the run's budget cannot afford its steps
   * @throws TrainingDivergedException when the run diverges
   * @throws IllegalArgumentException when a setting does not fit the run (for example more gradient
   *     canaries than parameters, or a network that gives a NaN input a finite gradient)
   */
  public AuditResult audit() {
    int m = b.canaries;
    boolean[] included = new boolean[m];
    DataSet canaryExamples = null;
    DataSet trainingSet = b.data;
    if (b.kind == CanaryKind.INPUT) {
      canaryExamples = b.inputCanaries != null ? b.inputCanaries : generatedCanaries();
      Checks.require(
          canaryExamples.getFeatures().size(0) == m,
          "inputCanaries",
          "exactly " + m + " examples (the canary count)",
          canaryExamples.getFeatures().size(0));
      for (int i = 0; i < m; i++) {
        included[i] = b.selectionRandom.nextBoolean();
      }
      trainingSet = withCanarySlots(canaryExamples, included);
    }
    DpTrainer.Builder trainerBuilder = DpTrainer.builder(b.network, trainingSet);
    b.run.accept(trainerBuilder);
    trainerBuilder.nonFinitePolicy(NonFiniteGradientPolicy.SKIP_EXAMPLE);
    DeferredCanaries deferred = new DeferredCanaries();
    if (b.kind == CanaryKind.GRADIENT) {
      trainerBuilder.gradientInjector(deferred).releasedGradientListener(deferred);
    }
    if (b.understatedNoiseFactor.isPresent()) {
      trainerBuilder.noise(
          UnderstatedNoise.deliberateFaultNotPrivate(
              GaussianTensorNoise.secure(), b.understatedNoiseFactor.getAsDouble()));
    }
    try (DpTrainer trainer = b.trainerFactory.apply(trainerBuilder)) {
      GradientCanaries canaries = null;
      double clipNorm = trainer.config().clipper().l2Sensitivity();
      if (b.kind == CanaryKind.GRADIENT) {
        canaries =
            GradientCanaries.builder()
                .count(m)
                .parameterCount(b.network.numParams())
                .samplingRate(trainer.config().samplingRate())
                .norm(GRADIENT_CANARY_NORM_IN_CLIP_NORMS * clipNorm)
                .contribution(clipNorm / trainer.config().expectedBatchSize())
                .selectionRandom(b.selectionRandom)
                .build();
        deferred.bind(canaries);
      } else {
        requireNanRowsSkipped(trainer, canaryExamples);
      }
      trainer.train();
      ClaimedPrivacy claim = ClaimedPrivacy.of(trainer.config(), trainer.stepsTaken());
      if (canaries != null) {
        return canaries.audit(
            claim, b.scoring, plan(), b.confidence, b.fdp, b.understatedNoiseFactor);
      }
      INDArray losses = b.network.scoreExamples(canaryExamples, false);
      double[] scores = new double[m];
      for (int i = 0; i < m; i++) {
        scores[i] = -losses.getDouble(i);
      }
      return OneRunAudit.evaluate(
          CanaryKind.INPUT,
          new CanaryScores(scores, included),
          claim,
          plan(),
          b.confidence,
          b.fdp,
          b.understatedNoiseFactor);
    }
  }

  private GuessPlan plan() {
    return b.plan != null ? b.plan : GuessPlan.defaultFor(b.canaries);
  }

  /** Out-of-distribution canaries: uniform features in [0, 1), a random class each. */
  private DataSet generatedCanaries() {
    INDArray labels = b.data.getLabels();
    Checks.require(
        labels.rank() == 2 && labels.size(1) >= 2,
        "trainData labels",
        "one-hot classes [N, K] with K >= 2 to generate input canaries (else set inputCanaries)",
        java.util.Arrays.toString(labels.shape()));
    int m = b.canaries;
    long[] shape = b.data.getFeatures().shape().clone();
    shape[0] = m;
    long perExample = 1;
    for (int d = 1; d < shape.length; d++) {
      perExample *= shape[d];
    }
    float[] features = new float[Math.toIntExact(m * perExample)];
    for (int k = 0; k < features.length; k++) {
      features[k] = b.selectionRandom.nextFloat();
    }
    int classes = (int) labels.size(1);
    float[][] oneHot = new float[m][classes];
    for (int i = 0; i < m; i++) {
      oneHot[i][b.selectionRandom.nextInt(classes)] = 1f;
    }
    INDArray x =
        Nd4j.createFromArray(features).reshape('c', shape).castTo(b.data.getFeatures().dataType());
    INDArray y = Nd4j.createFromArray(oneHot).castTo(labels.dataType());
    return new DataSet(x, y);
  }

  /** The real examples, then one slot per canary: its row when included, NaN features otherwise. */
  private DataSet withCanarySlots(DataSet canaryExamples, boolean[] included) {
    INDArray slots = canaryExamples.getFeatures().dup('c');
    for (int i = 0; i < included.length; i++) {
      if (!included[i]) {
        slots.slice(i).assign(Double.NaN); // example i, any rank (sequences: [C, T])
      }
    }
    INDArray features =
        Nd4j.concat(0, b.data.getFeatures(), slots.castTo(b.data.getFeatures().dataType()));
    INDArray labels =
        Nd4j.concat(
            0,
            b.data.getLabels(),
            canaryExamples.getLabels().castTo(b.data.getLabels().dataType()));
    return new DataSet(features, labels);
  }

  /** An excluded canary's NaN row must give a non-finite gradient, which the trainer skips. */
  private void requireNanRowsSkipped(DpTrainer trainer, DataSet canaryExamples) {
    INDArray features = canaryExamples.getFeatures();
    INDArray row = ExampleRows.single(features, 0);
    row.assign(Double.NaN);
    double norm =
        NetworkGradients.forNetwork(b.network, trainer.gradientMethod())
            .gradients(row, canaryExamples.getLabels().getRows(0))
            .squaredNorms()[0];
    Checks.require(
        !Double.isFinite(norm),
        "network",
        "a network whose gradient at a NaN input is not finite (an excluded input canary's slot"
            + " is a NaN row the trainer skips)",
        "a finite squared norm " + norm);
  }

  /**
   * Collects the audit's settings; {@link #build()} checks them together. Required: {@link #run}.
   * Not thread-safe.
   */
  public static final class Builder {
    private final MultiLayerNetwork network;
    private final DataSet data;
    private Consumer<DpTrainer.Builder> run;
    private Function<DpTrainer.Builder, DpTrainer> trainerFactory = DpTrainer.Builder::build;
    private CanaryKind kind = CanaryKind.GRADIENT;
    private CanaryScoring scoring = CanaryScoring.LIKELIHOOD_RATIO;
    private int canaries = DEFAULT_CANARIES;
    private DataSet inputCanaries;
    private double confidence = DEFAULT_CONFIDENCE;
    private GuessPlan plan;
    private boolean fdp = true;
    private RandomGenerator selectionRandom = new SecureRandom();
    private OptionalDouble understatedNoiseFactor = OptionalDouble.empty();

    private Builder(MultiLayerNetwork network, DataSet data) {
      this.network = Checks.notNull("network", network);
      this.data = Checks.notNull("trainData", data);
      Checks.notNull("trainData.getFeatures()", data.getFeatures());
      Checks.notNull("trainData.getLabels()", data.getLabels());
    }

    /**
     * The run's settings, stated on the trainer's builder as for training (target or noise
     * multiplier, batch size, epochs or steps, clip norm, accountant, updater, listener, filter).
     * The audit sets the canaries' hooks and {@link NonFiniteGradientPolicy#SKIP_EXAMPLE} after it.
     *
     * @param settings not null
     * @return this builder
     */
    public Builder run(Consumer<DpTrainer.Builder> settings) {
      this.run = Checks.notNull("settings", settings);
      return this;
    }

    /**
     * How the trainer is built from its builder (for example with a ledger session's error
     * handling); default {@code DpTrainer.Builder::build}.
     *
     * @param factory not null
     * @return this builder
     */
    public Builder trainerFactory(Function<DpTrainer.Builder, DpTrainer> factory) {
      this.trainerFactory = Checks.notNull("factory", factory);
      return this;
    }

    /**
     * Gradient (white-box, default) or input (black-box) canaries.
     *
     * @param kind not null
     * @return this builder
     */
    public Builder canaryKind(CanaryKind kind) {
      this.kind = Checks.notNull("kind", kind);
      return this;
    }

    /**
     * How gradient canaries are scored; default {@link CanaryScoring#LIKELIHOOD_RATIO}, the most
     * powerful (see docs/audit.md for both on the digits MLP). Fixed before training, like the
     * guess plan.
     *
     * @param scoring not null
     * @return this builder
     */
    public Builder scoring(CanaryScoring scoring) {
      this.scoring = Checks.notNull("scoring", scoring);
      return this;
    }

    /**
     * The number of canaries {@code m}, {@code >= 2}; default {@value
     * PrivacyAudit#DEFAULT_CANARIES}. With 100 guesses, all correct, no bound exceeds about 3.5 at
     * 95% confidence: more canaries allow higher bounds.
     *
     * @param canaries {@code >= 2}
     * @return this builder
     */
    public Builder canaries(int canaries) {
      Checks.require(canaries >= 2, "canaries", ">= 2", canaries);
      this.canaries = canaries;
      return this;
    }

    /**
     * The input canaries to use instead of generated ones ({@link CanaryKind#INPUT}): exactly
     * {@link #canaries(int)} examples shaped as the training data, for example mislabelled examples
     * from outside the training set.
     *
     * @param canaries exactly as many examples as canaries, not null
     * @return this builder
     */
    public Builder inputCanaries(DataSet canaries) {
      this.inputCanaries = Checks.notNull("canaries", canaries);
      return this;
    }

    /**
     * The confidence of the bounds, in {@code (0, 1)}; default 0.95.
     *
     * @param confidence in {@code (0, 1)}
     * @return this builder
     */
    public Builder confidence(double confidence) {
      Checks.require(confidence > 0 && confidence < 1, "confidence", "in (0, 1)", confidence);
      this.confidence = confidence;
      return this;
    }

    /**
     * The guess rules, fixed now, before any score exists; default {@link GuessPlan#defaultFor}.
     *
     * @param plan not null
     * @return this builder
     */
    public Builder guessPlan(GuessPlan plan) {
      this.plan = Checks.notNull("plan", plan);
      return this;
    }

    /**
     * Whether to run the f-DP analysis as well (default true; a few seconds).
     *
     * @param fdp whether to run it
     * @return this builder
     */
    public Builder fdpAnalysis(boolean fdp) {
      this.fdp = fdp;
      return this;
    }

    /**
     * The source of the inclusion bits, the gradient canaries' coordinates and the generated input
     * canaries; default a new {@link SecureRandom}. A seeded generator makes the audit's own
     * choices reproducible (batches and noise stay secure); it must not depend on the run.
     *
     * @param random not null
     * @return this builder
     */
    public Builder selectionRandom(RandomGenerator random) {
      this.selectionRandom = Checks.notNull("random", random);
      return this;
    }

    /**
     * <b>A DELIBERATE FAULT, NOT PRIVATE: for demonstrating and testing the audit only.</b> Trains
     * with {@code factor} times less noise than the accountant is told ({@link UnderstatedNoise}),
     * so that the audit has a broken run to catch. Never on data that matters, never with a ledger.
     *
     * @param factor above 1, finite
     * @return this builder
     */
    public Builder deliberateFaultUnderstateNoise(double factor) {
      Checks.require(
          factor > 1 && factor < Double.POSITIVE_INFINITY, "factor", "above 1 and finite", factor);
      this.understatedNoiseFactor = OptionalDouble.of(factor);
      return this;
    }

    /**
     * Checks the settings together.
     *
     * @return the audit
     * @throws IllegalArgumentException when the run's settings are missing, or a rule of the guess
     *     plan makes more guesses than there are canaries
     */
    public PrivacyAudit build() {
      Checks.require(run != null, "run", "set (the run's settings)", "nothing");
      Checks.require(
          inputCanaries == null || kind == CanaryKind.INPUT,
          "inputCanaries",
          "used with canaryKind INPUT",
          kind);
      GuessPlan p = plan != null ? plan : GuessPlan.defaultFor(canaries);
      Checks.require(
          p.largestGuessCount() <= canaries,
          "guessPlan",
          "rules with at most " + canaries + " guesses (the canaries)",
          p);
      return new PrivacyAudit(this);
    }
  }
}

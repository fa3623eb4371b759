package org.dp4j.dl4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.PrivacyLedger;
import org.dp4j.core.internal.Checks;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.gradients.NetworkGradients;
import org.dp4j.training.clipping.AdaptiveClipping;
import org.dp4j.training.clipping.ClippableGradients;
import org.dp4j.training.clipping.GradientInjector;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.config.PrivacyStatement;
import org.dp4j.training.internal.ExampleRows;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.noise.GradientNoise;
import org.dp4j.training.optimizer.DpSgdCheckpoint;
import org.dp4j.training.optimizer.DpSgdOptimizer;
import org.dp4j.training.optimizer.ReleasedGradientListener;
import org.dp4j.training.optimizer.ResumeAccounting;
import org.dp4j.training.optimizer.StepResult;
import org.dp4j.training.optimizer.TrainingDivergedException;
import org.dp4j.training.sampling.PoissonBatchSampler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Private training of a Deeplearning4j network with DP-SGD (Abadi et al. 2016, Algorithm 1): every
 * step draws a Poisson batch (each record independently with probability {@code q}), computes the
 * batch's per-example gradients ({@link NetworkGradients}: ghost clipping or the exact batch-of-one
 * loop), and hands them to dp-training's {@link DpSgdOptimizer}, which clips them, adds Gaussian
 * noise, divides by the expected batch size, charges the run's budget filter (refusing the step
 * with {@link PrivacyBudgetExceededException} when the budget cannot afford it, nothing changed)
 * and applies the updater to {@code params()} in place.
 *
 * <pre>{@code
 * DpTrainer trainer = DpTrainer.builder(network, trainData)
 *     .target(PrivacyBudget.approximate(3, 1e-5)).batchSize(64).epochs(15).build();
 * trainer.train();
 * System.out.println(trainer.privacyStatement());
 * }</pre>
 *
 * <p>The network is a {@code MultiLayerNetwork} or a {@code ComputationGraph} with one input and
 * one output ({@link #builder(ComputationGraph, DataSet)}); the builder and the trainer are the
 * same for both, only the per-example gradients differ ({@link NetworkGradients#forNetwork}, {@link
 * NetworkGradients#forGraph}).
 *
 * <p>Everything privacy-relevant is stated once, on the builder, and resolved into one {@link
 * DpSgdConfig}: the target (what this run may spend) or a fixed noise multiplier, the accountant
 * kind (PLD by default), the clip norm; the dataset size comes from the data and the planned steps
 * from the epochs. The budget filter is derived from the target, or a ledger's ({@link
 * Builder#ledger(Path, double)}): a run on a ledger that already holds spends is calibrated to what
 * the ledger can still afford.
 *
 * <p>The network's updater is used on the noisy gradient (or the builder's); its regularization and
 * DL4J listeners are not. Parameters of {@code FrozenLayer} and {@code FrozenLayerWithBackprop}
 * layers stay exactly unchanged (private fine-tuning). Secure randomness by default (batches and
 * noise); seeded sources only through the builder's loudly named methods, and the {@link
 * #privacyStatement()} then says the run is not private.
 *
 * <p><b>Divergence.</b> Training stops at the first step whose noisy update or updated parameters
 * hold NaN or infinite values, with {@link TrainingDivergedException} (see {@link DpSgdOptimizer}):
 * that step was charged, and nothing more is spent. Checking released values is post-processing;
 * the batch loss is not checked, because it is not private (it is only reported to the listener as
 * a diagnostic).
 *
 * <p><b>Ledger labels.</b> Steps are charged as {@code "<run name> step <k>"} (default run name
 * {@code "dp-sgd run <start time>"}, or {@link Builder#runName(String)}), so a ledger summary shows
 * one row per run.
 *
 * <p>{@link #close()} closes a ledger the trainer opened. Not thread-safe.
 */
public final class DpTrainer implements AutoCloseable {

  /** The per-example L2 clip norm when the builder sets no clipping. */
  public static final double DEFAULT_CLIP_NORM = 1.0;

  /** The relation DP-SGD with Poisson sampling is analysed under. */
  private static final NeighbouringRelation RELATION = NeighbouringRelation.ADD_OR_REMOVE_ONE;

  private final TrainedModel network;
  private final INDArray features;
  private final INDArray labels;
  private final INDArray featuresMask; // null when the data has none
  private final INDArray labelsMask;
  private final DpSgdConfig config;
  private final DpSgdOptimizer optimizer;
  private final NetworkGradients gradients;
  private final FrozenParameters frozen;
  private final PoissonBatchSampler sampler;
  private final TrainingListener listener;
  private final boolean privateNoise;
  private final boolean privateSampling;
  private final PrivacyLedger ledger;

  private DpTrainer(Builder b, DpSgdConfig config, IUpdater updater, PrivacyLedger ledger) {
    this.network = b.network;
    this.features = b.data.getFeatures();
    this.labels = b.data.getLabels();
    this.featuresMask = b.data.getFeaturesMaskArray();
    this.labelsMask = b.data.getLabelsMaskArray();
    this.config = config;
    this.ledger = ledger;
    this.gradients = network.gradients().apply(b.method);
    this.frozen = FrozenParameters.of(network.layers(), network.params());
    this.sampler = PoissonBatchSampler.of(config.datasetSize(), config.samplingRate(), b.random);
    this.listener = b.listener;
    this.privateNoise = b.noise.isPrivate();
    this.privateSampling = b.privateSampling;
    this.optimizer =
        b.checkpoint != null
            ? DpSgdOptimizer.restore(
                updater, config, b.noise, b.checkpoint, network.params(), b.resumeAccounting)
            : DpSgdOptimizer.wrap(updater, config, b.noise);
    if (b.runName != null) {
      optimizer.runName(b.runName);
    }
    optimizer.gradientInjector(b.injector);
    if (b.releasedGradientListener != null) {
      optimizer.releasedGradientListener(b.releasedGradientListener);
    }
  }

  /**
   * A builder for training {@code network} on {@code trainData}.
   *
   * @param network an initialised network ({@code init()} called); trained in place
   * @param trainData the training set: features with the dataset size as leading dimension, labels
   *     and, for variable-length sequences, DL4J's features and labels masks (one row per record);
   *     its size is the dataset size of the privacy analysis
   * @return the builder
   */
  public static Builder builder(MultiLayerNetwork network, DataSet trainData) {
    return new Builder(TrainedModel.of(network), trainData);
  }

  /**
   * A builder for training a {@code ComputationGraph} with one input and one output on {@code
   * trainData} (features of its input, labels of its output); the same builder as for a network.
   * The per-example gradients come from {@link NetworkGradients#forGraph}.
   *
   * @param graph an initialised graph ({@code init()} called); trained in place
   * @param trainData the training set: features with the dataset size as leading dimension, labels;
   *     its size is the dataset size of the privacy analysis
   * @return the builder
   */
  public static Builder builder(ComputationGraph graph, DataSet trainData) {
    return new Builder(TrainedModel.of(graph), trainData);
  }

  /**
   * One private step.
   *
   * @return what the step did, also given to the listener
   * @throws PrivacyBudgetExceededException when the budget cannot afford the step; nothing changes
   * @throws TrainingDivergedException when the step's update or the updated parameters are not
   *     finite; the step was charged, and later steps are refused
   * @throws IllegalStateException when an earlier step diverged; nothing changes
   */
  public StepResult step() {
    int[] batch = sampler.nextBatch();
    ClippableGradients perExample =
        gradients.gradients(
            ExampleRows.select(features, batch),
            ExampleRows.select(labels, batch),
            featuresMask == null ? null : ExampleRows.select(featuresMask, batch),
            labelsMask == null ? null : ExampleRows.select(labelsMask, batch));
    StepResult result =
        frozen.keep(network.params(), () -> optimizer.step(network.params(), perExample));
    listener.onStep(result);
    return result;
  }

  /**
   * Runs steps until the planned steps ({@link DpSgdConfig#plannedSteps()}) have been taken
   * (counting steps restored from a checkpoint).
   *
   * @return the number of steps run by this call
   * @throws PrivacyBudgetExceededException when the budget runs out first; the steps before it were
   *     applied and charged
   * @throws TrainingDivergedException when a step's update or the updated parameters are not
   *     finite; the steps up to and including it were charged, nothing more is spent
   */
  public long train() {
    long run = 0;
    while (optimizer.stepsTaken() < config.plannedSteps()) {
      step();
      run++;
    }
    return run;
  }

  /**
   * {@return a checkpoint of the parameters, updater state and step count} See {@link
   * DpSgdCheckpoint}.
   */
  public DpSgdCheckpoint checkpoint() {
    return optimizer.checkpoint(network.params());
  }

  /**
   * {@return the statement for the steps taken so far by this trainer} It is computed by an
   * accountant of the filter's kind, and says "NOT PRIVATE" when the noise or the batch sampling
   * came from a seeded testing source.
   */
  public PrivacyStatement privacyStatement() {
    return config.privacyStatement(optimizer.stepsTaken(), privateNoise, privateSampling);
  }

  /** {@return the run's configuration: the one source of its privacy settings and budget filter} */
  public DpSgdConfig config() {
    return config;
  }

  /** {@return the filter steps are charged to (a ledger's, or derived from the target)} */
  public PrivacyFilter filter() {
    return config.filter();
  }

  /** {@return the run name in the ledger labels of this trainer's steps} */
  public String runName() {
    return optimizer.runName();
  }

  /** {@return the steps taken, including those restored from a checkpoint} */
  public long stepsTaken() {
    return optimizer.stepsTaken();
  }

  /** {@return how per-example gradients are computed for this network} */
  public GradientMethod gradientMethod() {
    return gradients.method();
  }

  /** {@return the model being trained (the network or graph given to the builder)} */
  public Model model() {
    return network.model();
  }

  /**
   * Closes the ledger the trainer opened for {@link Builder#ledger(Path, double)}; does nothing
   * otherwise. Steps taken before are durable in the ledger.
   *
   * @throws UncheckedIOException when closing the ledger fails
   */
  @Override
  public void close() {
    if (ledger != null) {
      try {
        ledger.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Collects the trainer's settings; {@link #build()} checks them together. Required: a target
   * ({@link #target}) or a noise multiplier ({@link #noiseMultiplier} with {@link #targetDelta}),
   * the expected batch size, and epochs or steps. Not thread-safe.
   */
  public static final class Builder {
    private final TrainedModel network;
    private final DataSet data;
    private final DpSgdConfig.Builder config = DpSgdConfig.builder();
    private PrivacyBudget target;
    private double targetDelta = Double.NaN;
    private AccountantKind accountant;
    private boolean clippingSet;
    private int batchSize;
    private int epochs;
    private long steps;
    private Path ledgerFile;
    private double ledgerBudget;
    private boolean filterSet;
    private IUpdater updater;
    private GradientNoise noise = GaussianTensorNoise.secure();
    private RandomGenerator random = new SecureRandom();
    private GradientMethod method = GradientMethod.AUTO;
    private TrainingListener listener = TrainingListener.none();
    private GradientInjector injector = GradientInjector.none();
    private ReleasedGradientListener releasedGradientListener;
    private DpSgdCheckpoint checkpoint;
    private ResumeAccounting resumeAccounting;
    private boolean privateSampling = true;
    private String runName;

    private Builder(TrainedModel network, DataSet data) {
      this.network = network;
      this.data = Checks.notNull("trainData", data);
      Checks.notNull("trainData.getFeatures()", data.getFeatures());
      Checks.notNull("trainData.getLabels()", data.getLabels());
      requireMaskRows("trainData.getFeaturesMaskArray()", data.getFeaturesMaskArray(), data);
      requireMaskRows("trainData.getLabelsMaskArray()", data.getLabelsMaskArray(), data);
    }

    private static void requireMaskRows(String name, INDArray mask, DataSet data) {
      if (mask != null) {
        Checks.require(
            mask.size(0) == data.getFeatures().size(0),
            name + ".size(0)",
            "equal to the number of records " + data.getFeatures().size(0),
            mask.size(0));
      }
    }

    /**
     * What this run may spend: the noise multiplier is calibrated so that the planned steps spend
     * at most {@code target} (and, on a ledger, what the ledger can still afford); its delta is the
     * delta of every epsilon the run states.
     *
     * @param target the run's budget, not null; its delta must be positive
     * @return this builder
     */
    public Builder target(PrivacyBudget target) {
      this.target = Checks.notNull("target", target);
      config.target(target);
      return this;
    }

    /**
     * A fixed noise multiplier instead of a target: epsilon is reported, not capped (a limited
     * ledger still stops the run when it is spent). Needs {@link #targetDelta}.
     *
     * @param noiseMultiplier the Gaussian noise standard deviation divided by the clip norm, finite
     *     and {@code >= 0}
     * @return this builder
     */
    public Builder noiseMultiplier(double noiseMultiplier) {
      config.noiseMultiplier(noiseMultiplier);
      return this;
    }

    /**
     * The delta epsilon is stated at with a fixed noise multiplier.
     *
     * @param targetDelta in {@code (0, 1)}
     * @return this builder
     */
    public Builder targetDelta(double targetDelta) {
      config.targetDelta(targetDelta);
      this.targetDelta = targetDelta;
      return this;
    }

    /**
     * The accountant of the calibration, the budget and the statement; default {@link
     * DpSgdConfig#DEFAULT_ACCOUNTANT} (PLD), or the kind of a filter given with {@link #filter}.
     *
     * @param kind the accountant kind, not null
     * @return this builder
     */
    public Builder accountant(AccountantKind kind) {
      this.accountant = Checks.notNull("kind", kind);
      config.accountant(kind);
      return this;
    }

    /**
     * Flat clipping to L2 norm {@code clipNorm}; default {@value DpTrainer#DEFAULT_CLIP_NORM}.
     *
     * @param clipNorm the per-example L2 bound, positive and finite
     * @return this builder
     */
    public Builder clipNorm(double clipNorm) {
      config.clipNorm(clipNorm);
      clippingSet = true;
      return this;
    }

    /**
     * Adaptive flat clipping instead of a fixed clip norm (see {@link AdaptiveClipping}).
     *
     * @param adaptiveClipping the adaptive clipping's settings, not null
     * @return this builder
     */
    public Builder adaptiveClipping(AdaptiveClipping adaptiveClipping) {
      config.adaptiveClipping(adaptiveClipping);
      clippingSet = true;
      return this;
    }

    /**
     * What to do with non-finite examples; default {@link NonFiniteGradientPolicy#SKIP_EXAMPLE}.
     *
     * @param policy the policy, not null
     * @return this builder
     */
    public Builder nonFinitePolicy(NonFiniteGradientPolicy policy) {
      config.nonFinitePolicy(policy);
      return this;
    }

    /**
     * The expected (Poisson) batch size {@code m}, in {@code [1, N]} for {@code N} training
     * examples: every record joins each batch with probability {@code m / N}, and the noisy sum is
     * divided by {@code m}.
     *
     * @param batchSize {@code m}, positive (at most {@code N} is checked when building)
     * @return this builder
     */
    public Builder batchSize(int batchSize) {
      this.batchSize = Checks.positive("batchSize", batchSize);
      return this;
    }

    /**
     * Epochs to train: {@code max(1, round(epochs N / m))} steps.
     *
     * @param epochs positive
     * @return this builder
     */
    public Builder epochs(int epochs) {
      this.epochs = Checks.positive("epochs", epochs);
      return this;
    }

    /**
     * Steps to train, instead of {@link #epochs}.
     *
     * @param steps positive
     * @return this builder
     */
    public Builder steps(long steps) {
      this.steps = Checks.positive("steps", steps);
      return this;
    }

    /**
     * Charges every step to the ledger at {@code file}, opened or created with {@link
     * PrivacyLedger#openOrCreate}: a new ledger is limited to {@code budgetEpsilon} at the run's
     * delta and kept by the run's accountant kind; an existing one must have been created with the
     * same budget, delta and accountant. A run on a ledger that already holds spends is calibrated
     * to what it can still afford. The trainer holds the ledger until {@link DpTrainer#close()}.
     *
     * @param file the ledger file; its folder must exist
     * @param budgetEpsilon the ledger's total epsilon, positive and finite (set when it is created)
     * @return this builder
     */
    public Builder ledger(Path file, double budgetEpsilon) {
      this.ledgerFile = Checks.notNull("file", file);
      this.ledgerBudget = Checks.positiveFinite("budgetEpsilon", budgetEpsilon);
      return this;
    }

    /**
     * Charges every step to {@code filter} (for example an open ledger's) instead of a derived one;
     * its accountant kind and delta must agree with the run's (see {@link
     * DpSgdConfig.Builder#filter}).
     *
     * @param filter the filter, not null
     * @return this builder
     */
    public Builder filter(PrivacyFilter filter) {
      config.filter(filter);
      filterSet = true;
      return this;
    }

    /**
     * The updater applied to the noisy gradient, for example {@code new Adam(1e-3)}; default the
     * updater the network's layers were configured with.
     *
     * @param updater the updater, not null
     * @return this builder
     */
    public Builder updater(IUpdater updater) {
      this.updater = Checks.notNull("updater", updater);
      return this;
    }

    /**
     * The step listener; default none.
     *
     * @param listener called after every step, not null
     * @return this builder
     */
    public Builder listener(TrainingListener listener) {
      this.listener = Checks.notNull("listener", listener);
      return this;
    }

    /**
     * How per-example gradients are computed; default {@link GradientMethod#AUTO}.
     *
     * @param method the method, not null
     * @return this builder
     */
    public Builder gradientMethod(GradientMethod method) {
      this.method = Checks.notNull("method", method);
      return this;
    }

    /**
     * The noise phase; default {@link GaussianTensorNoise#secure()}. A seeded noise makes the
     * privacy statement say the run is not private.
     *
     * @param noise the noise, not null
     * @return this builder
     */
    public Builder noise(GradientNoise noise) {
      this.noise = Checks.notNull("noise", noise);
      return this;
    }

    /**
     * Draws Poisson batches from {@code random} instead of a new {@link SecureRandom}. The
     * guarantee assumes the batches are secret and truly random: this is for tests only, and the
     * {@link DpTrainer#privacyStatement()} then says the run is NOT PRIVATE (amplification by
     * sampling does not hold for predictable batches).
     *
     * @param random the generator the batches are drawn from, not null
     * @return this builder
     */
    public Builder batchSamplingRandomNotPrivate(RandomGenerator random) {
      this.random = Checks.notNull("random", random);
      this.privateSampling = false;
      return this;
    }

    /**
     * Names the run in the ledger labels of its steps, {@code "<name> step <k>"} (see {@link
     * DpSgdOptimizer#runName(String)}); default {@code "dp-sgd run <start time>"}.
     *
     * @param name the run name, not null (checked further by {@code DpSgdOptimizer.runName})
     * @return this builder
     */
    public Builder runName(String name) {
      this.runName = Checks.notNull("name", name);
      return this;
    }

    /**
     * Adds per-example gradients (an audit's canaries) to every step before clipping; default none
     * (see {@link GradientInjector}).
     *
     * @param injector the injector, not null
     * @return this builder
     */
    public Builder gradientInjector(GradientInjector injector) {
      this.injector = Checks.notNull("injector", injector);
      return this;
    }

    /**
     * Hears every completed step's released noisy gradient, before the updater (an audit's scoring
     * of gradient canaries; see {@link ReleasedGradientListener}); default none.
     *
     * @param listener not null
     * @return this builder
     */
    public Builder releasedGradientListener(ReleasedGradientListener listener) {
      this.releasedGradientListener = Checks.notNull("listener", listener);
      return this;
    }

    /**
     * Resumes from a checkpoint: parameters are written into the network, and past steps are
     * accounted as {@code accounting} says (see {@link DpSgdOptimizer#restore}).
     *
     * @param checkpoint the checkpoint, not null
     * @param accounting how the checkpoint's past steps are charged, not null
     * @return this builder
     */
    public Builder resumeFrom(DpSgdCheckpoint checkpoint, ResumeAccounting accounting) {
      this.checkpoint = Checks.notNull("checkpoint", checkpoint);
      this.resumeAccounting = Checks.notNull("accounting", accounting);
      return this;
    }

    /**
     * Checks the settings together, opens the ledger if one was named, calibrates the noise and
     * builds the trainer.
     *
     * @return the trainer
     * @throws IllegalArgumentException when a setting is missing or conflicting, the network mixes
     *     examples or has no shared updater and none was set, or a ledger or filter disagrees with
     *     the run (accountant kind, delta, budget)
     * @throws PrivacyBudgetExceededException when the ledger or filter cannot afford the planned
     *     steps at any noise multiplier
     * @throws UncheckedIOException when the ledger cannot be read or written
     */
    public DpTrainer build() {
      long examples = data.getFeatures().size(0);
      Checks.require(
          examples >= 1 && examples <= Integer.MAX_VALUE,
          "trainData size",
          "in [1, " + Integer.MAX_VALUE + "]",
          examples);
      Checks.require(
          data.getLabels().size(0) == examples,
          "trainData labels",
          "one row per example (" + examples + ")",
          data.getLabels().size(0));
      int n = (int) examples;
      Checks.require(batchSize > 0, "batchSize", "set", "nothing");
      Checks.require(
          batchSize <= n, "batchSize", "at most the number of training examples " + n, batchSize);
      Checks.require(
          (epochs > 0) != (steps > 0), "epochs", "set, or steps set, but not both", epochs);
      Checks.require(
          ledgerFile == null || !filterSet, "ledger", "not combined with filter", ledgerFile);
      IUpdater chosen =
          updater != null
              ? updater
              : network
                  .sharedUpdater()
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              Checks.message(
                                  "updater",
                                  "set (the network's " + "layers do not share one updater)",
                                  "nothing")));
      long planned = steps > 0 ? steps : Math.max(1, Math.round((double) epochs * n / batchSize));
      config.datasetSize(n).expectedBatchSize(batchSize).plannedSteps(planned);
      if (!clippingSet) {
        config.clipNorm(DEFAULT_CLIP_NORM);
      }
      PrivacyLedger opened = ledgerFile == null ? null : openLedger();
      try {
        return new DpTrainer(this, config.build(), chosen, opened);
      } catch (RuntimeException e) {
        if (opened != null) {
          try {
            opened.close();
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
    }

    private PrivacyLedger openLedger() {
      double delta = target != null ? target.delta() : targetDelta;
      Checks.require(
          delta > 0 && delta < 1, "targetDelta", "set, or a target set, for a ledger", delta);
      AccountantKind kind = accountant != null ? accountant : DpSgdConfig.DEFAULT_ACCOUNTANT;
      try {
        PrivacyLedger opened =
            PrivacyLedger.openOrCreate(
                ledgerFile, kind.create(RELATION), PrivacyBudget.approximate(ledgerBudget, delta));
        config.filter(opened.filter());
        return opened;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}

package org.dp4j.dl4j.train;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.internal.Checks;
import org.dp4j.dl4j.gradients.ClippedBatch;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.gradients.PerExampleClipping;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.config.PrivacyStatement;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.noise.GradientNoise;
import org.dp4j.training.optimizer.DpSgdCheckpoint;
import org.dp4j.training.optimizer.DpSgdOptimizer;
import org.dp4j.training.optimizer.ResumeAccounting;
import org.dp4j.training.optimizer.StepResult;
import org.dp4j.training.optimizer.TrainingDivergedException;
import org.dp4j.training.sampling.PoissonBatchSampler;
import org.dp4j.training.sampling.SamplingScheme;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Private training of a {@link MultiLayerNetwork} with DP-SGD (Abadi et al. 2016, Algorithm 1):
 * every step draws a Poisson batch (each record independently with probability {@code q}), clips
 * each example's gradient ({@link PerExampleClipping}: ghost clipping or the exact batch-of-one
 * loop), and hands the clipped sum to dp-training's {@link DpSgdOptimizer}, which adds Gaussian
 * noise, divides by the expected batch size, charges the {@link PrivacyFilter} (refusing the step
 * with {@link PrivacyBudgetExceededException} when the budget cannot afford it, nothing changed)
 * and applies the wrapped updater to {@code network.params()} in place.
 *
 * <pre>{@code
 * DpTrainer trainer = DpTrainer.builder(network, trainingData, config, filter)
 *     .updater(new Adam(1e-3)).listener(r -> System.out.println(r.epsilonSpent())).build();
 * trainer.train();
 * System.out.println(trainer.privacyStatement().text());
 * }</pre>
 *
 * <p>The network's own updater, regularization and DL4J listeners are not used. Secure randomness
 * by default (batches and noise); seeded sources only through the builder's loudly named methods,
 * and the {@link #privacyStatement()} then says the run is not private.
 *
 * <p><b>Divergence.</b> Training stops at the first step whose noisy update or updated parameters
 * hold NaN or infinite values, with {@link TrainingDivergedException} (see {@link DpSgdOptimizer}):
 * that step was charged, and nothing more is spent. Checking released values is post-processing;
 * the batch loss is not checked, because it is not private (it is only reported to the listener as
 * a diagnostic).
 *
 * <p><b>Ledger labels.</b> Steps are charged as {@code "<run name> step <k>"} (default run name
 * {@code "dp-sgd run <start time>"}, or {@link Builder#runName(String)}), so a ledger summary shows
 * one row per run. Not thread-safe.
 */
public final class DpTrainer {

  private final MultiLayerNetwork network;
  private final INDArray features;
  private final INDArray labels;
  private final DpSgdConfig config;
  private final DpSgdOptimizer optimizer;
  private final PerExampleClipping clipping;
  private final PoissonBatchSampler sampler;
  private final TrainingListener listener;
  private final PrivacyFilter filter;
  private final boolean privateNoise;
  private final boolean privateSampling;

  private DpTrainer(Builder b) {
    this.network = b.network;
    this.features = b.data.getFeatures();
    this.labels = b.data.getLabels();
    this.config = b.config;
    this.filter = b.filter;
    Checks.require(
        config.samplingScheme() == SamplingScheme.POISSON,
        "config.samplingScheme",
        "POISSON",
        config.samplingScheme());
    Checks.require(
        config.clipper() instanceof FlatClipper,
        "config.clipper",
        "flat clipping " + "(clipNorm or adaptiveClipping)",
        config.clipper());
    Checks.require(
        features.size(0) == config.datasetSize(),
        "data size",
        "equal to config.datasetSize() " + config.datasetSize(),
        features.size(0));
    this.clipping = PerExampleClipping.forNetwork(network, b.method);
    this.sampler = PoissonBatchSampler.of(config.datasetSize(), config.samplingRate(), b.random);
    this.listener = b.listener;
    this.privateNoise = b.noise.isPrivate();
    this.privateSampling = b.privateSampling;
    if (b.checkpoint != null) {
      this.optimizer =
          DpSgdOptimizer.restore(
              b.updater,
              config,
              filter,
              b.noise,
              b.checkpoint,
              network.params(),
              b.resumeAccounting);
    } else {
      this.optimizer = DpSgdOptimizer.wrap(b.updater, config, filter, b.noise);
    }
    if (b.runName != null) {
      optimizer.runName(b.runName);
    }
  }

  /**
   * A builder.
   *
   * @param network an initialised network ({@code init()} called); trained in place
   * @param data the training set: features with the dataset size as leading dimension, labels
   * @param config the DP-SGD settings: flat clipping, Poisson sampling, {@code datasetSize} equal
   *     to the data's size
   * @param filter the budget every step is charged to (a ledger's filter for persistence)
   * @return the builder
   */
  public static Builder builder(
      MultiLayerNetwork network, DataSet data, DpSgdConfig config, PrivacyFilter filter) {
    return new Builder(network, data, config, filter);
  }

  /**
   * One private step.
   *
   * @return the report also given to the listener
   * @throws PrivacyBudgetExceededException when the budget cannot afford the step; nothing changes
   * @throws TrainingDivergedException when the step's update or the updated parameters are not
   *     finite; the step was charged, and later steps are refused
   * @throws IllegalStateException when an earlier step diverged; nothing changes
   */
  public StepReport step() {
    int[] batch = sampler.nextBatch();
    INDArray x = rows(features, batch);
    INDArray y = rows(labels, batch);
    ClippedBatch clipped =
        clipping.clipAndSum(x, y, optimizer.clipNorm(), config.clipper().nonFinitePolicy());
    StepResult result = optimizer.stepWithClippedSum(network.params(), clipped.clippedSum());
    StepReport report =
        new StepReport(
            result.step(),
            config.plannedSteps(),
            clipped.meanLoss(),
            result.spentEpsilon(),
            result);
    listener.onStep(report);
    return report;
  }

  /**
   * Runs steps until {@link DpSgdConfig#plannedSteps()} have been taken (counting steps restored
   * from a checkpoint).
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

  private static INDArray rows(INDArray array, int[] indices) {
    if (indices.length == 0) {
      long[] shape = array.shape().clone();
      shape[0] = 0;
      return org.nd4j.linalg.factory.Nd4j.create(array.dataType(), shape);
    }
    return array.getRows(indices);
  }

  /** A checkpoint of the parameters, updater state and step count (see {@link DpSgdCheckpoint}). */
  public DpSgdCheckpoint checkpoint() {
    return optimizer.checkpoint(network.params());
  }

  /**
   * The statement for the steps taken so far (this trainer's steps only). It says "NOT PRIVATE"
   * when the noise or the batch sampling came from a seeded testing source.
   */
  public PrivacyStatement privacyStatement() {
    return config.privacyStatement(optimizer.stepsTaken(), privateNoise, privateSampling);
  }

  /** The run name in the ledger labels of this trainer's steps. */
  public String runName() {
    return optimizer.runName();
  }

  /** Steps taken, including those restored from a checkpoint. */
  public long stepsTaken() {
    return optimizer.stepsTaken();
  }

  /** How per-example clipping is computed for this network. */
  public GradientMethod gradientMethod() {
    return clipping.method();
  }

  /** The network being trained. */
  public MultiLayerNetwork network() {
    return network;
  }

  /** The filter steps are charged to. */
  public PrivacyFilter filter() {
    return filter;
  }

  /** Collects the trainer's settings. Not thread-safe. */
  public static final class Builder {
    private final MultiLayerNetwork network;
    private final DataSet data;
    private final DpSgdConfig config;
    private final PrivacyFilter filter;
    private IUpdater updater;
    private GradientNoise noise = GaussianTensorNoise.secure();
    private RandomGenerator random = new SecureRandom();
    private GradientMethod method = GradientMethod.AUTO;
    private TrainingListener listener = TrainingListener.none();
    private DpSgdCheckpoint checkpoint;
    private ResumeAccounting resumeAccounting;
    private boolean privateSampling = true;
    private String runName;

    private Builder(
        MultiLayerNetwork network, DataSet data, DpSgdConfig config, PrivacyFilter filter) {
      this.network = Checks.notNull("network", network);
      this.data = Checks.notNull("data", data);
      Checks.notNull("data.getFeatures()", data.getFeatures());
      Checks.notNull("data.getLabels()", data.getLabels());
      this.config = Checks.notNull("config", config);
      this.filter = Checks.notNull("filter", filter);
      Checks.require(
          network.params() != null, "network", "initialised (call init())", "null " + "parameters");
    }

    /** The updater applied to the noisy gradient (required), for example {@code new Adam(1e-3)}. */
    public Builder updater(IUpdater updater) {
      this.updater = Checks.notNull("updater", updater);
      return this;
    }

    /** The step listener; default none. */
    public Builder listener(TrainingListener listener) {
      this.listener = Checks.notNull("listener", listener);
      return this;
    }

    /** How per-example clipping is computed; default {@link GradientMethod#AUTO}. */
    public Builder gradientMethod(GradientMethod method) {
      this.method = Checks.notNull("method", method);
      return this;
    }

    /**
     * The noise phase; default {@link GaussianTensorNoise#secure()}. A seeded noise makes the
     * privacy statement say the run is not private.
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
     */
    public Builder batchSamplingRandomNotPrivate(RandomGenerator random) {
      this.random = Checks.notNull("random", random);
      this.privateSampling = false;
      return this;
    }

    /**
     * Names the run in the ledger labels of its steps, {@code "<name> step <k>"} (see {@link
     * DpSgdOptimizer#runName(String)}); default {@code "dp-sgd run <start time>"}.
     */
    public Builder runName(String name) {
      Checks.notNull("name", name);
      this.runName = name;
      return this;
    }

    /**
     * Resumes from a checkpoint: parameters are written into the network, and past steps are
     * accounted as {@code accounting} says (see {@link DpSgdOptimizer#restore}).
     */
    public Builder resumeFrom(DpSgdCheckpoint checkpoint, ResumeAccounting accounting) {
      this.checkpoint = Checks.notNull("checkpoint", checkpoint);
      this.resumeAccounting = Checks.notNull("accounting", accounting);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the trainer
     * @throws IllegalArgumentException when the updater is missing, the network mixes examples, the
     *     config is not flat-clipped Poisson DP-SGD, or the data size differs from the config
     */
    public DpTrainer build() {
      Checks.require(updater != null, "updater", "set", "nothing");
      return new DpTrainer(this);
    }
  }
}

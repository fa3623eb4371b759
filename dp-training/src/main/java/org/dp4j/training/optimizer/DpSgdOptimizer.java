package org.dp4j.training.optimizer;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalDouble;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.SpendReceipt;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.core.internal.MechanismCount;
import org.dp4j.training.clipping.ClippableGradients;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.GradientInjector;
import org.dp4j.training.clipping.PerExampleClipper;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.config.PrivacyStatement;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.noise.GradientNoise;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * DP-SGD as a decorator of an ND4J updater (Abadi et al. 2016, "Deep Learning with Differential
 * Privacy", Algorithm 1, with Poisson sampling as analysed by Mironov, Talwar &amp; Zhang 2019).
 *
 * <p>One {@link #step} runs these phases, each its own object:
 *
 * <ol>
 *   <li><b>inject</b> (optional): a {@link GradientInjector} may add per-example gradients, for
 *       example an audit's canaries, which are clipped like the batch's;
 *   <li><b>clip and sum</b> the per-example gradients with the step's {@link PerExampleClipper}
 *       (flat, per-layer or adaptive; {@link ClippableGradients} in memory or from ghost clipping);
 *   <li><b>noise</b>: add N(0, (z C)^2) to every coordinate of the sum ({@link GradientNoise};
 *       {@code C} the sum's L2 sensitivity, {@code z} the config's gradient noise multiplier); the
 *       clipper then releases what it learns for the next step ({@link PerExampleClipper#next}:
 *       adaptive clipping's noisy count, whose cost is inside the step's event);
 *   <li><b>divide</b> by the <em>expected</em> batch size {@code qN} (the realised Poisson batch
 *       size is private and must not be used);
 *   <li><b>spend</b> the step's event from the config's {@link PrivacyFilter}: if the budget cannot
 *       afford it, {@link PrivacyBudgetExceededException} is thrown and nothing changes
 *       (parameters, updater state, step count and clipper are untouched, and the noisy gradient is
 *       discarded unreleased);
 *   <li><b>update</b>: the wrapped ND4J updater (Sgd, Adam, Nesterovs, ...) turns the noisy
 *       gradient into an update, which is subtracted from the parameters, and the next step's
 *       clipper takes over; a {@link ReleasedGradientListener} (optional, for example an audit's)
 *       then hears a copy of the noisy gradient the updater received.
 * </ol>
 *
 * <p>Everything the updater does after the noise is post-processing, so it costs no privacy. Bad
 * input (shapes, types) is rejected before anything is spent.
 *
 * <p><b>Divergence.</b> After the spend, the update and then the updated parameters are checked for
 * NaN and infinite entries (released values, so the check is post-processing). The first non-finite
 * value stops training with {@link TrainingDivergedException}: a non-finite update is not applied,
 * and every later step is refused with {@link IllegalStateException}, so a diverged run spends
 * nothing more.
 *
 * <p><b>Ledger labels.</b> Each step is charged with the label {@code "<run name> step <k>"}; the
 * run name defaults to {@code "dp-sgd run <start time>"} (UTC, milliseconds) and can be set with
 * {@link #runName(String)}, so that {@code LedgerContents.byRun()} and {@code dp4j ledger show}
 * list one row per run. Not thread-safe.
 */
public final class DpSgdOptimizer {

  /** Longest run name accepted, so that "NAME step K" fits a ledger label. */
  public static final int MAX_RUN_NAME_LENGTH = 900;

  private final IUpdater updaterConfig;
  private final DpSgdConfig config;
  private final PrivacyFilter filter;
  private final GradientNoise noise;
  private final PrivacyEvent stepEvent;
  private final double gradientNoiseMultiplier;

  private GradientUpdater<?> updater;
  private INDArray updaterState;
  private long[] parameterShape;
  private long stepsTaken;
  private PerExampleClipper clipper;
  private GradientInjector injector = GradientInjector.none();
  private ReleasedGradientListener releasedGradientListener; // null: none, nothing copied
  private String runName = "dp-sgd run " + Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private TrainingDivergedException divergence;
  private boolean charged;

  private DpSgdOptimizer(IUpdater updaterConfig, DpSgdConfig config, GradientNoise noise) {
    this.updaterConfig = Checks.notNull("updater", updaterConfig).clone();
    this.config = Checks.notNull("config", config);
    this.noise = Checks.notNull("noise", noise);
    this.filter = config.filter();
    this.stepEvent = config.stepEvent();
    this.gradientNoiseMultiplier = config.gradientNoiseMultiplier();
    this.clipper = config.clipper();
  }

  /**
   * Wraps {@code updater} with secure Gaussian noise ({@link GaussianTensorNoise#secure()}),
   * charging the config's filter.
   *
   * @param updater the ND4J updater configuration (copied); its state is created on the first step
   *     for the parameters' length
   * @param config the DP-SGD settings and budget filter
   * @return the optimizer
   */
  public static DpSgdOptimizer wrap(IUpdater updater, DpSgdConfig config) {
    return new DpSgdOptimizer(updater, config, GaussianTensorNoise.secure());
  }

  /**
   * Wraps {@code updater} with the given noise. Pass {@link
   * GaussianTensorNoise#seededNotPrivate(long)} only for tests: the {@link #privacyStatement()}
   * then says the run is not private.
   *
   * @param updater the ND4J updater configuration (copied)
   * @param config the DP-SGD settings and budget filter
   * @param noise the noise phase
   * @return the optimizer
   */
  public static DpSgdOptimizer wrap(IUpdater updater, DpSgdConfig config, GradientNoise noise) {
    return new DpSgdOptimizer(updater, config, noise);
  }

  /**
   * Restores an optimizer from a checkpoint: the parameters are written into {@code parameters},
   * the updater state, step count and clipper are restored, and the steps before the checkpoint are
   * accounted exactly once, on the config's filter, as {@code accounting} says.
   *
   * @param updater the same updater configuration as the checkpointed run
   * @param config the same DP-SGD settings (noise multiplier and sampling rate are checked); its
   *     filter continues to be charged
   * @param noise the noise phase
   * @param checkpoint the checkpoint
   * @param parameters receives the checkpointed parameters; same shape
   * @param accounting whether the filter already holds the past steps
   * @return the restored optimizer
   * @throws IllegalArgumentException when the checkpoint does not match the config, the updater or
   *     the parameters
   * @throws IllegalStateException with {@link ResumeAccounting#ALREADY_IN_FILTER} when the filter
   *     holds fewer step events than the checkpoint
   * @throws PrivacyBudgetExceededException with {@link ResumeAccounting#CHARGE_PAST_STEPS} when the
   *     budget cannot afford the past steps; nothing changes
   */
  public static DpSgdOptimizer restore(
      IUpdater updater,
      DpSgdConfig config,
      GradientNoise noise,
      DpSgdCheckpoint checkpoint,
      INDArray parameters,
      ResumeAccounting accounting) {
    Checks.notNull("checkpoint", checkpoint);
    Checks.notNull("parameters", parameters);
    Checks.notNull("accounting", accounting);
    DpSgdOptimizer optimizer = new DpSgdOptimizer(updater, config, noise);
    PrivacyFilter filter = optimizer.filter;
    Checks.require(
        checkpoint.noiseMultiplier() == config.noiseMultiplier(),
        "checkpoint.noiseMultiplier",
        "equal to the config's " + config.noiseMultiplier(),
        checkpoint.noiseMultiplier());
    Checks.require(
        checkpoint.samplingRate() == config.samplingRate(),
        "checkpoint.samplingRate",
        "equal to the config's " + config.samplingRate(),
        checkpoint.samplingRate());
    Checks.require(
        Arrays.equals(checkpoint.parameterShape(), parameters.shape()),
        "parameters.shape()",
        "equal to the checkpoint's " + Arrays.toString(checkpoint.parameterShape()),
        Arrays.toString(parameters.shape()));
    long stateSize = optimizer.updaterConfig.stateSize(parameters.length());
    Checks.require(
        checkpoint.updaterState().length == stateSize,
        "checkpoint.updaterState length",
        "equal to the updater's state size " + stateSize,
        checkpoint.updaterState().length);
    PerExampleClipper resumed = optimizer.clipper.resumedAt(checkpoint.clipNorm());
    long steps = checkpoint.stepsTaken();
    if (steps > 0) {
      if (accounting == ResumeAccounting.ALREADY_IN_FILTER) {
        long held = MechanismCount.in(filter.accountantSnapshot().events(), optimizer.stepEvent);
        if (held < steps) {
          throw new IllegalStateException(
              "filter must hold the "
                  + steps
                  + " checkpointed "
                  + "steps (ALREADY_IN_FILTER), got "
                  + held
                  + " step events; use CHARGE_PAST_STEPS "
                  + "for a new filter");
        }
      } else {
        filter.spend(config.eventForSteps(steps), "dp-sgd resume: steps 1.." + steps);
      }
    }
    // Nothing can fail from here on.
    INDArray restored =
        Nd4j.createFromArray(checkpoint.parameters())
            .reshape('c', checkpoint.parameterShape())
            .castTo(parameters.dataType());
    parameters.assign(restored);
    optimizer.initUpdater(parameters);
    if (stateSize > 0) {
      optimizer.updaterState.assign(
          Nd4j.createFromArray(checkpoint.updaterState())
              .reshape(optimizer.updaterState.shape())
              .castTo(optimizer.updaterState.dataType()));
    }
    optimizer.stepsTaken = steps;
    optimizer.clipper = resumed;
    return optimizer;
  }

  /**
   * One DP-SGD step: inject, clip, sum, noise, divide by the expected batch size, spend, update.
   *
   * @param parameters the model parameters, updated in place; floating point, same length as the
   *     gradients' per-example parameter count (and the same on every step)
   * @param gradients the batch's per-example gradients (may be empty): {@code PerExampleGradients}
   *     in memory, or ghost clipping's
   * @return what the step did
   * @throws PrivacyBudgetExceededException when the filter cannot afford the step; nothing changes
   * @throws IllegalArgumentException for mismatched shapes or bad gradients; nothing changes
   * @throws TrainingDivergedException when the step's update or the updated parameters are not
   *     finite (the step was charged; see the class documentation)
   * @throws IllegalStateException when an earlier step diverged; nothing changes
   */
  public StepResult step(INDArray parameters, ClippableGradients gradients) {
    requireNotDiverged();
    Checks.notNull("gradients", gradients);
    requireParameters(parameters, gradients.parameterCount(), "gradients.parameterCount()");

    // Phases 1 and 2: inject, then clip and sum the batch and the injected gradients alike.
    Optional<ClippableGradients> injected =
        injector.inject(stepsTaken + 1, gradients.parameterCount());
    injected.ifPresent(
        extra ->
            Checks.require(
                extra.parameterCount() == gradients.parameterCount(),
                "injected parameterCount()",
                "equal to " + gradients.parameterCount(),
                extra.parameterCount()));
    ClippedSum clipped = clipper.clipAndSum(gradients);
    if (injected.isPresent()) {
      clipped = clipped.plus(clipper.clipAndSum(injected.get()));
    }
    return noiseSpendAndUpdate(parameters, clipped, gradients);
  }

  /**
   * One DP-SGD step from a clipped sum computed elsewhere: noise, divide by the expected batch
   * size, spend, update. The noise standard deviation is the config's gradient noise multiplier
   * times {@link ClippedSum#l2Sensitivity()}. No {@link GradientInjector} is called: the sum is
   * already clipped.
   *
   * <p><b>Trust boundary.</b> The privacy guarantee rests on the caller: every example's
   * contribution to {@code clipped.sum()} must have L2 norm at most {@code
   * clipped.l2Sensitivity()}, which must equal the current clipper's sensitivity (checked), and the
   * clipper's non-finite policy must have been applied. {@link #step} does the clipping itself and
   * is the safer entry.
   *
   * @param parameters the model parameters, updated in place; floating point, same length as the
   *     sum (and the same shape on every step)
   * @param clipped the clipped sum, its {@code sum} a row vector of {@code parameters.length()}
   *     entries in the parameters' flattened order; consumed (modified in place)
   * @return what the step did
   * @throws PrivacyBudgetExceededException when the filter cannot afford the step; nothing changes
   * @throws IllegalArgumentException for a mismatched length or sensitivity; nothing changes
   * @throws TrainingDivergedException when the step's update or the updated parameters are not
   *     finite (the step was charged; see the class documentation)
   * @throws IllegalStateException when an earlier step diverged; nothing changes
   */
  public StepResult stepWithClippedSum(INDArray parameters, ClippedSum clipped) {
    requireNotDiverged();
    Checks.notNull("clipped", clipped);
    requireParameters(parameters, clipped.sum().length(), "clipped.sum().length()");
    Checks.require(
        clipped.l2Sensitivity() == clipper.l2Sensitivity(),
        "clipped.l2Sensitivity()",
        "equal to the current clip norm " + clipper.l2Sensitivity(),
        clipped.l2Sensitivity());
    return noiseSpendAndUpdate(parameters, clipped, null);
  }

  private void requireParameters(INDArray parameters, long length, String lengthName) {
    Checks.notNull("parameters", parameters);
    Checks.require(
        parameters.dataType().isFPType(),
        "parameters.dataType",
        "a floating-point type",
        parameters.dataType());
    Checks.require(
        length == parameters.length(),
        lengthName,
        "equal to parameters.length() " + parameters.length(),
        length);
    if (parameterShape != null) {
      Checks.require(
          Arrays.equals(parameterShape, parameters.shape()),
          "parameters.shape()",
          "the same on every step, " + Arrays.toString(parameterShape),
          Arrays.toString(parameters.shape()));
    }
  }

  private StepResult noiseSpendAndUpdate(
      INDArray parameters, ClippedSum clipped, ClippableGradients gradients) {
    // Phase 3: noise on the sum; the clipper releases what it learns for the next step.
    double noiseStd = gradientNoiseMultiplier * clipped.l2Sensitivity();
    INDArray gradient = clipped.sum();
    noise.addNoise(gradient, noiseStd);
    PerExampleClipper next = clipper.next(clipped, noise, config.expectedBatchSize());

    // Phase 4: divide by the expected (never the realised) batch size.
    gradient.divi(config.expectedBatchSize());
    if (gradient.dataType() != parameters.dataType()) {
      gradient = gradient.castTo(parameters.dataType());
    }
    gradient = gradient.reshape('c', parameters.shape());
    if (updater == null) {
      initUpdater(parameters);
    }

    // Phase 5: spend before anything is released. Throws with nothing changed.
    SpendReceipt receipt = filter.spend(stepEvent, runName + " step " + (stepsTaken + 1));
    charged = true;

    // Phase 6: the wrapped updater (post-processing), then the divergence checks on the released
    // update and parameters (post-processing too).
    INDArray released = releasedGradientListener == null ? null : gradient.dup();
    int iteration = (int) Math.min(Integer.MAX_VALUE, stepsTaken);
    int epoch =
        (int)
            Math.min(
                Integer.MAX_VALUE,
                (long) Math.floor(stepsTaken * config.expectedBatchSize() / config.datasetSize()));
    updater.applyUpdater(gradient, iteration, epoch);
    stepsTaken++;
    long nonFiniteUpdate = nonFiniteCount(gradient);
    if (nonFiniteUpdate > 0) {
      divergence = new TrainingDivergedException(stepsTaken, nonFiniteUpdate, false);
      throw divergence;
    }
    parameters.subi(gradient);
    long nonFiniteParameters = nonFiniteCount(parameters);
    if (nonFiniteParameters > 0) {
      divergence = new TrainingDivergedException(stepsTaken, nonFiniteParameters, true);
      throw divergence;
    }
    double usedClipNorm = clipper.l2Sensitivity();
    clipper = next;
    if (released != null) {
      releasedGradientListener.released(stepsTaken, released);
    }
    return new StepResult(
        stepsTaken,
        clipped.batchSize(),
        clipped.clippedCount(),
        clipped.nonFiniteCount(),
        usedClipNorm,
        noiseStd,
        receipt,
        gradients == null ? OptionalDouble.empty() : gradients.meanLoss());
  }

  /** The number of NaN and infinite entries of {@code array}. */
  static long nonFiniteCount(INDArray array) {
    return Nd4j.getExecutioner().exec(new MatchCondition(array, Conditions.notFinite())).getLong(0);
  }

  private void requireNotDiverged() {
    if (divergence != null) {
      throw new IllegalStateException(
          "DP-SGD stopped: " + divergence.getMessage() + "; no further step is taken", divergence);
    }
  }

  /**
   * Adds per-example gradients before clipping on every {@link #step} (see {@link
   * GradientInjector}); default {@link GradientInjector#none()}.
   *
   * @param injector the hook
   * @return this optimizer
   * @throws IllegalStateException after the first step
   */
  public DpSgdOptimizer gradientInjector(GradientInjector injector) {
    Checks.notNull("injector", injector);
    if (charged) {
      throw new IllegalStateException(
          "gradientInjector must be set before the first step, got a "
              + "step already charged under "
              + runName);
    }
    this.injector = injector;
    return this;
  }

  /**
   * Hears every completed step's released noisy gradient (see {@link ReleasedGradientListener}); by
   * default none is called and nothing is copied. With a listener, each step copies its noisy
   * gradient once.
   *
   * @param listener the listener
   * @return this optimizer
   * @throws IllegalStateException after the first step
   */
  public DpSgdOptimizer releasedGradientListener(ReleasedGradientListener listener) {
    Checks.notNull("listener", listener);
    if (charged) {
      throw new IllegalStateException(
          "releasedGradientListener must be set before the first step, got a step already charged"
              + " under "
              + runName);
    }
    this.releasedGradientListener = listener;
    return this;
  }

  /**
   * Names this run in the ledger labels of its steps, {@code "<name> step <k>"}; the default is
   * {@code "dp-sgd run <start time>"}. Give each run its own name: a ledger summary groups steps by
   * it.
   *
   * @param name 1 to {@value #MAX_RUN_NAME_LENGTH} characters, no control characters
   * @return this optimizer
   * @throws IllegalArgumentException for a bad name
   * @throws IllegalStateException after the first step
   */
  public DpSgdOptimizer runName(String name) {
    Checks.notNull("name", name);
    Checks.require(
        !name.isBlank() && name.length() <= MAX_RUN_NAME_LENGTH,
        "name",
        "1 to " + MAX_RUN_NAME_LENGTH + " characters, not blank",
        name.length() + " characters");
    Checks.require(
        name.chars().noneMatch(Character::isISOControl),
        "name",
        "free of control characters",
        name);
    if (charged) {
      throw new IllegalStateException(
          "runName must be set before the first step, got a step"
              + " already charged under "
              + runName);
    }
    this.runName = name;
    return this;
  }

  /** {@return the run name used in the ledger labels of the steps} */
  public String runName() {
    return runName;
  }

  private void initUpdater(INDArray parameters) {
    long length = parameters.length();
    long stateSize = updaterConfig.stateSize(length);
    DataType type = parameters.dataType();
    INDArray state = null;
    GradientUpdater<?> created;
    if (stateSize > 0) {
      state = Nd4j.create(type, 1, stateSize);
      created = updaterConfig.instantiate(state, true);
      created.setStateViewArray(state, parameters.shape(), 'c', true);
    } else {
      created = updaterConfig.instantiate((INDArray) null, false); // stateless (Sgd, NoOp)
    }
    this.updater = created;
    this.updaterState = state;
    this.parameterShape = parameters.shape();
  }

  /**
   * A checkpoint of the optimizer and {@code parameters} (copied).
   *
   * @param parameters the parameters being trained
   * @return the checkpoint
   */
  public DpSgdCheckpoint checkpoint(INDArray parameters) {
    Checks.notNull("parameters", parameters);
    if (parameterShape != null) {
      Checks.require(
          Arrays.equals(parameterShape, parameters.shape()),
          "parameters.shape()",
          "the shape being trained " + Arrays.toString(parameterShape),
          Arrays.toString(parameters.shape()));
    }
    double[] params = parameters.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    double[] state =
        updaterState == null || updaterState.length() == 0
            ? new double[(int) updaterConfig.stateSize(parameters.length())]
            : updaterState.dup('c').castTo(DataType.DOUBLE).data().asDouble();
    return new DpSgdCheckpoint(
        stepsTaken,
        clipper.l2Sensitivity(),
        config.noiseMultiplier(),
        config.samplingRate(),
        params,
        parameters.shape(),
        state,
        Math.max(0, filter.spent()),
        filter.operationCount());
  }

  /** {@return the steps completed (each one charged to the filter)} */
  public long stepsTaken() {
    return stepsTaken;
  }

  /**
   * {@return the clip norm of the next step: its clipper's L2 sensitivity} It changes only with
   * adaptive clipping; for per-layer clipping it is the combined sensitivity.
   */
  public double clipNorm() {
    return clipper.l2Sensitivity();
  }

  /** {@return the clipper of the next step} */
  public PerExampleClipper clipper() {
    return clipper;
  }

  /** {@return the filter every step is charged to: the config's} */
  public PrivacyFilter filter() {
    return filter;
  }

  /** {@return the configuration} */
  public DpSgdConfig config() {
    return config;
  }

  /** {@return the privacy event charged for each step} */
  public PrivacyEvent stepEvent() {
    return stepEvent;
  }

  /**
   * {@return the statement for the steps taken so far} It comes from a fresh accountant of the
   * filter's kind and covers this optimizer's steps only, not other spends on the filter. The
   * optimizer does not draw the batches: the statement assumes the caller's batches come from a
   * secret, secure sampler as the config's sampling scheme says (see {@link
   * DpSgdConfig#privacyStatement(long, boolean, boolean)} otherwise).
   */
  public PrivacyStatement privacyStatement() {
    return config.privacyStatement(stepsTaken, noise.isPrivate());
  }

  @Override
  public String toString() {
    return "DpSgdOptimizer[updater="
        + updaterConfig
        + ", stepsTaken="
        + stepsTaken
        + ", clipper="
        + clipper
        + ", noise="
        + noise
        + "]";
  }
}

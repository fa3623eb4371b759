package org.dp4j.training.config;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.budget.BudgetMode;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.calibration.NoiseCalibration;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.training.clipping.AdaptiveClipping;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.dp4j.training.clipping.PerExampleClipper;
import org.dp4j.training.clipping.PerLayerClipper;
import org.dp4j.training.sampling.SamplingScheme;

/**
 * The one source of truth of a DP-SGD run: clipping, the noise (a target budget, or a fixed noise
 * multiplier with the delta epsilon is stated at), sampling, the accountant kind, the neighbouring
 * relation, and the budget filter every step is charged to. Validated and resolved once by {@link
 * #builder()}.
 *
 * <p><b>The budget filter.</b> Without {@link Builder#filter(PrivacyFilter)} the filter is derived:
 * limited to the target (the run may spend at most the target), or an odometer at the delta for a
 * fixed noise multiplier. A given filter (for example a {@code PrivacyLedger}'s) is checked against
 * the configuration: its accountant must be of the configured kind, under the configured relation,
 * and state epsilon at the configured delta; kind and relation are taken from the filter when they
 * are not set. A limited filter that already holds spends, or whose budget is below the target,
 * also calibrates the noise: see {@link #calibration()}.
 *
 * <p><b>Per-step event.</b> With {@link SamplingScheme#POISSON} every step is {@code
 * PoissonSampled(q, Gaussian(sigma))} (plain {@code Gaussian(sigma)} when {@code q = 1}), the event
 * of Abadi et al. 2016 analysed by the RDP and PLD accountants. With {@link
 * SamplingScheme#SHUFFLED_FIXED_SIZE} every step is the plain {@code Gaussian(sigma)}: no
 * amplification is claimed, and the relation must be {@link NeighbouringRelation#REPLACE_ONE},
 * under which a record sits in at most one batch per epoch and the clipped sum's sensitivity is
 * twice the clip norm (the accountant applies that factor).
 *
 * <p>Immutable; thread-safe as far as its filter is (dp4j's filters are). Optimizers wrapped with
 * the same configuration charge the same filter.
 */
public final class DpSgdConfig {

  /** The accountant kind when neither the builder nor a given filter names one. */
  public static final AccountantKind DEFAULT_ACCOUNTANT = AccountantKind.PLD;

  private final PerExampleClipper clipper;
  private final double noiseMultiplier;
  private final double gradientNoiseMultiplier;
  private final PrivacyBudget target;
  private final Calibration calibration;
  private final double targetDelta;
  private final long plannedSteps;
  private final int datasetSize;
  private final double samplingRate;
  private final double expectedBatchSize;
  private final SamplingScheme samplingScheme;
  private final NeighbouringRelation relation;
  private final Function<NeighbouringRelation, ? extends PrivacyAccountant> accountants;
  private final Class<? extends PrivacyAccountant> accountantClass;
  private final PrivacyFilter filter;
  private final PrivacyEvent stepEvent;

  private DpSgdConfig(Builder b) {
    this.clipper = clipper(b);
    this.samplingScheme = b.samplingScheme;
    this.datasetSize = Checks.positive("datasetSize", b.datasetSize);
    if (samplingScheme == SamplingScheme.POISSON) {
      Checks.require(
          b.fixedBatchSize == 0,
          "fixedBatchSize",
          "unset with POISSON sampling (use " + "samplingRate or expectedBatchSize)",
          b.fixedBatchSize);
      Checks.require(
          Double.isNaN(b.samplingRate) != Double.isNaN(b.expectedBatchSize),
          "samplingRate",
          "set, or expectedBatchSize set, but not both",
          b.samplingRate);
      if (!Double.isNaN(b.expectedBatchSize)) {
        Checks.require(
            b.expectedBatchSize > 0 && b.expectedBatchSize <= b.datasetSize,
            "expectedBatchSize",
            "in (0, datasetSize = " + b.datasetSize + "]",
            b.expectedBatchSize);
        this.expectedBatchSize = b.expectedBatchSize;
        this.samplingRate = Math.min(1.0, b.expectedBatchSize / b.datasetSize);
      } else {
        this.samplingRate = Checks.samplingRate("samplingRate", b.samplingRate);
        this.expectedBatchSize = samplingRate * datasetSize;
      }
    } else {
      Checks.require(
          b.fixedBatchSize > 0 && b.fixedBatchSize <= b.datasetSize,
          "fixedBatchSize",
          "in [1, datasetSize = " + b.datasetSize + "] with SHUFFLED_FIXED_SIZE batches",
          b.fixedBatchSize);
      Checks.require(
          Double.isNaN(b.samplingRate) && Double.isNaN(b.expectedBatchSize),
          "samplingRate",
          "unset with SHUFFLED_FIXED_SIZE batches (use fixedBatchSize)",
          b.samplingRate);
      this.samplingRate = (double) b.fixedBatchSize / b.datasetSize;
      this.expectedBatchSize = b.fixedBatchSize;
    }

    PrivacyAccountant held = b.filter == null ? null : b.filter.accountantSnapshot();
    this.relation =
        b.relation != null
            ? b.relation
            : held != null ? held.relation() : NeighbouringRelation.ADD_OR_REMOVE_ONE;
    if (samplingScheme == SamplingScheme.SHUFFLED_FIXED_SIZE) {
      Checks.require(
          relation == NeighbouringRelation.REPLACE_ONE,
          "relation",
          "REPLACE_ONE with SHUFFLED_FIXED_SIZE batches (a record added or removed shifts every "
              + "later batch; use Poisson sampling for ADD_OR_REMOVE_ONE)",
          relation);
    }
    this.accountants = accountants(b, held);
    PrivacyAccountant probe = Checks.notNull("accountant", accountants.apply(relation));
    Checks.require(
        probe.relation() == relation,
        "accountant relation",
        "equal to the configured " + "relation " + relation,
        probe.relation());
    this.accountantClass = probe.getClass();
    PrivacyEvent probeEvent = dpSgdEvent(1.0, 1);
    String unsupported = probe.unsupportedReason(probeEvent).orElse(null);
    Checks.require(
        unsupported == null,
        "accountant",
        "able to account for DP-SGD steps such as " + probeEvent,
        unsupported);
    if (held != null) {
      Checks.require(
          held.getClass() == accountantClass,
          "filter accountant",
          "a " + accountantClass.getSimpleName() + " (the configured accountant)",
          held.getClass().getSimpleName());
      Checks.require(
          held.relation() == relation,
          "filter accountant relation",
          "equal to the configured relation " + relation,
          held.relation());
    }

    this.plannedSteps = Checks.positive("plannedSteps", b.plannedSteps);
    Checks.require(
        Double.isNaN(b.noiseMultiplier) != (b.target == null),
        "noiseMultiplier",
        "set, or target set, but not both",
        b.noiseMultiplier);
    if (b.target != null) {
      Checks.require(
          Double.isNaN(b.targetDelta) || b.targetDelta == b.target.delta(),
          "targetDelta",
          "unset or equal to target.delta() with a target budget",
          b.targetDelta);
      this.target = b.target;
      this.targetDelta = Checks.positiveDelta("target.delta", b.target.delta());
    } else {
      this.target = null;
      double delta =
          Double.isNaN(b.targetDelta) && b.filter != null ? b.filter.targetDelta() : b.targetDelta;
      this.targetDelta = Checks.positiveDelta("targetDelta", delta);
    }
    if (b.filter != null) {
      Checks.require(
          b.filter.targetDelta() == targetDelta,
          "filter.targetDelta()",
          "equal to the configured delta " + targetDelta,
          b.filter.targetDelta());
    }
    if (target != null) {
      this.calibration = calibrate(target, b.filter);
      this.noiseMultiplier = calibration.noiseMultiplier();
    } else {
      this.calibration = null;
      this.noiseMultiplier = Checks.nonNegativeFinite("noiseMultiplier", b.noiseMultiplier);
    }
    this.gradientNoiseMultiplier = clipper.gradientNoiseMultiplier(noiseMultiplier);
    Checks.require(
        gradientNoiseMultiplier * clipper.l2Sensitivity() < Double.POSITIVE_INFINITY,
        "noiseMultiplier * l2Sensitivity",
        "finite",
        noiseMultiplier * clipper.l2Sensitivity());
    this.stepEvent = dpSgdEvent(noiseMultiplier, 1);
    if (b.filter != null) {
      this.filter = b.filter;
    } else if (target != null) {
      this.filter = PrivacyFilter.limited(newAccountant(), target);
    } else {
      this.filter = PrivacyFilter.odometer(newAccountant(), targetDelta);
    }
  }

  private static PerExampleClipper clipper(Builder b) {
    Checks.require(
        b.clipNorm > 0 || b.perLayerClipNorms != null || b.adaptiveClipping != null,
        "clipNorm",
        "set (clipNorm, perLayerClipNorms or adaptiveClipping)",
        "nothing");
    int set =
        (b.clipNorm > 0 ? 1 : 0)
            + (b.perLayerClipNorms != null ? 1 : 0)
            + (b.adaptiveClipping != null ? 1 : 0);
    Checks.require(
        set == 1,
        "clipping",
        "exactly one of clipNorm, perLayerClipNorms and " + "adaptiveClipping",
        "several");
    if (b.perLayerClipNorms != null) {
      return PerLayerClipper.of(b.nonFinitePolicy, b.perLayerClipNorms);
    }
    if (b.adaptiveClipping != null) {
      return b.adaptiveClipping.clipper(b.nonFinitePolicy);
    }
    return FlatClipper.of(b.clipNorm, b.nonFinitePolicy);
  }

  /** The accountants: as set, else of the given filter's kind, else the default kind. */
  private static Function<NeighbouringRelation, ? extends PrivacyAccountant> accountants(
      Builder b, PrivacyAccountant held) {
    if (b.accountants != null) {
      return b.accountants;
    }
    if (held == null) {
      return DEFAULT_ACCOUNTANT::create;
    }
    AccountantKind kind = AccountantKind.of(held).orElse(null);
    Checks.require(
        kind != null,
        "accountant",
        "set for a filter whose accountant is not one of " + "dp4j's kinds",
        held.getClass().getName());
    return kind::create;
  }

  /**
   * The noise multiplier for the target and, when the filter can bind, for the filter's budget with
   * its history; the larger meets both.
   */
  private Calibration calibrate(PrivacyBudget target, PrivacyFilter given) {
    DoubleFunction<PrivacyEvent> run = sigma -> dpSgdEvent(sigma, plannedSteps);
    double forTarget =
        NoiseCalibration.noiseMultiplier(
                target, run, this::newAccountant, NoiseCalibration.DEFAULT_RELATIVE_TOLERANCE)
            .noiseMultiplier();
    if (given == null || given.mode() != BudgetMode.LIMITED) {
      return new Calibration(forTarget, OptionalDouble.empty());
    }
    PrivacyBudget budget = given.budget().orElseThrow();
    PrivacyAccountant history = given.accountantSnapshot();
    if (!(given.spent() > 0) && budget.epsilon() >= target.epsilon()) {
      return new Calibration(forTarget, OptionalDouble.empty());
    }
    try {
      Checks.require(given.remaining() > 0, "filter.remaining()", "positive", given.remaining());
      double forFilter =
          NoiseCalibration.noiseMultiplier(
                  budget, run, history::copy, NoiseCalibration.DEFAULT_RELATIVE_TOLERANCE)
              .noiseMultiplier();
      return new Calibration(forTarget, OptionalDouble.of(forFilter));
    } catch (IllegalArgumentException unreachable) {
      PrivacyEvent loudest = run.apply(NoiseCalibration.MAX_NOISE_MULTIPLIER);
      double ifSpent = history.copy().compose(loudest).epsilon(targetDelta);
      throw new PrivacyBudgetExceededException(
          loudest,
          "the planned "
              + plannedSteps
              + " steps at noise multiplier "
              + NoiseCalibration.MAX_NOISE_MULTIPLIER,
          budget,
          given.spent(),
          Double.isNaN(ifSpent) ? Double.POSITIVE_INFINITY : ifSpent,
          given.remaining());
    }
  }

  /** The event of {@code steps} steps at {@code sigma}, at the rate the accountant sees. */
  private PrivacyEvent dpSgdEvent(double sigma, long steps) {
    double q = samplingScheme == SamplingScheme.POISSON ? samplingRate : 1.0;
    return new GaussianEvent(sigma).poissonSampled(q).repeated(steps);
  }

  /** {@return a builder with the defaults stated on its setters} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return the clipping phase of the first step} It is a {@link FlatClipper}, a {@link
   * PerLayerClipper}, or, for adaptive clipping, an {@code AdaptiveClipper} at the initial norm
   * (each step's clipper gives the next one).
   */
  public PerExampleClipper clipper() {
    return clipper;
  }

  /**
   * {@return the accounted noise multiplier {@code sigma}} Each step is charged as a Gaussian with
   * this multiplier. Without adaptive clipping it is also the gradient noise multiplier.
   */
  public double noiseMultiplier() {
    return noiseMultiplier;
  }

  /**
   * {@return the multiplier of the noise added to the clipped gradient sum (standard deviation over
   * L2 sensitivity)} It is {@link #noiseMultiplier()}, or larger with adaptive clipping (see {@link
   * AdaptiveClipping#gradientNoiseMultiplier(double)}), computed once, when the configuration is
   * built.
   */
  public double gradientNoiseMultiplier() {
    return gradientNoiseMultiplier;
  }

  /** {@return the target budget: what this run may spend, if one was given} */
  public Optional<PrivacyBudget> target() {
    return Optional.ofNullable(target);
  }

  /** {@return how the noise multiplier was calibrated; empty for a fixed noise multiplier} */
  public Optional<Calibration> calibration() {
    return Optional.ofNullable(calibration);
  }

  /** {@return the delta at which epsilon is stated (the target's, or the filter's)} */
  public double targetDelta() {
    return targetDelta;
  }

  /** {@return the number of steps the run is planned for (and calibrated for, with a target)} */
  public long plannedSteps() {
    return plannedSteps;
  }

  /** {@return the dataset size {@code N}} */
  public int datasetSize() {
    return datasetSize;
  }

  /** {@return the sampling rate {@code q} (for shuffled batches: batch size / N)} */
  public double samplingRate() {
    return samplingRate;
  }

  /**
   * {@return the denominator of the update} It is the expected Poisson batch size {@code qN} as
   * given (or {@code qN} from a given rate; never the realised batch size, which is private), or
   * the fixed batch size for shuffled batches.
   */
  public double expectedBatchSize() {
    return expectedBatchSize;
  }

  /** {@return how batches are formed} */
  public SamplingScheme samplingScheme() {
    return samplingScheme;
  }

  /** {@return the neighbouring relation of the guarantee (and of the accountant)} */
  public NeighbouringRelation relation() {
    return relation;
  }

  /** {@return the kind of the accountant, or empty for a user's own accountant} */
  public Optional<AccountantKind> accountantKind() {
    return AccountantKind.ofClassName(accountantClass.getName());
  }

  /** {@return the class of the accountant (of the filter's, which is checked to be the same)} */
  public Class<? extends PrivacyAccountant> accountantClass() {
    return accountantClass;
  }

  /** {@return a fresh, empty accountant of the configured kind under the configured relation} */
  public PrivacyAccountant newAccountant() {
    return accountants.apply(relation);
  }

  /**
   * {@return the budget filter every step is charged to} It is the given one, or one derived from
   * the target (limited to it) or from the fixed noise multiplier (an odometer at {@link
   * #targetDelta()}).
   */
  public PrivacyFilter filter() {
    return filter;
  }

  /** {@return the privacy event of one step (see the class documentation)} */
  public PrivacyEvent stepEvent() {
    return stepEvent;
  }

  /**
   * The privacy event of {@code steps} steps.
   *
   * @param steps {@code >= 1}
   * @return {@code steps} self-compositions of {@link #stepEvent()}
   */
  public PrivacyEvent eventForSteps(long steps) {
    Checks.positive("steps", steps);
    return dpSgdEvent(noiseMultiplier, steps);
  }

  /** {@return the statement for the planned number of steps, with private noise} */
  public PrivacyStatement privacyStatement() {
    return privacyStatement(plannedSteps, true);
  }

  /**
   * The statement after {@code steps} steps of this run alone, for batches drawn by a secret,
   * secure sampler.
   *
   * @param steps {@code >= 0}
   * @param privateNoise whether the noise was secure
   * @return the statement at {@link #targetDelta()}
   */
  public PrivacyStatement privacyStatement(long steps, boolean privateNoise) {
    return privacyStatement(steps, privateNoise, true);
  }

  /**
   * The statement after {@code steps} steps of this run alone, computed by a fresh accountant of
   * the filter's kind (the filter may hold other runs' spends too).
   *
   * @param steps {@code >= 0}
   * @param privateNoise whether the noise was secure
   * @param privateSampling whether the batches came from a secret, secure sampler (false for a
   *     seeded testing generator: the statement then says it is no guarantee)
   * @return the statement at {@link #targetDelta()}
   */
  public PrivacyStatement privacyStatement(
      long steps, boolean privateNoise, boolean privateSampling) {
    Checks.nonNegative("steps", steps);
    double epsilon = 0.0;
    if (steps > 0) {
      PrivacyAccountant accountant = newAccountant();
      accountant.compose(eventForSteps(steps));
      epsilon = accountant.epsilon(targetDelta);
      if (Double.isNaN(epsilon)) {
        epsilon = Double.POSITIVE_INFINITY; // never under-report
      }
    }
    return new PrivacyStatement(
        epsilon,
        targetDelta,
        steps,
        noiseMultiplier,
        samplingRate,
        samplingScheme,
        relation,
        accountantClass,
        privateNoise,
        privateSampling);
  }

  @Override
  public String toString() {
    return "DpSgdConfig[clipper="
        + clipper
        + ", noiseMultiplier="
        + noiseMultiplier
        + ", target="
        + target
        + ", targetDelta="
        + targetDelta
        + ", plannedSteps="
        + plannedSteps
        + ", datasetSize="
        + datasetSize
        + ", samplingRate="
        + samplingRate
        + ", samplingScheme="
        + samplingScheme
        + ", relation="
        + relation
        + ", accountant="
        + accountantClass.getSimpleName()
        + ", filter="
        + filter
        + "]";
  }

  /**
   * Collects the settings; {@link #build()} validates them together. Required: a clipping setting,
   * the dataset size, the sampling (rate or expected batch size, or a fixed batch size for shuffled
   * batches), the planned steps, and either a target budget or a noise multiplier (with a target
   * delta, unless a given filter supplies it). Not thread-safe.
   */
  public static final class Builder {
    private double clipNorm = -1;
    private double[] perLayerClipNorms;
    private AdaptiveClipping adaptiveClipping;
    private NonFiniteGradientPolicy nonFinitePolicy = NonFiniteGradientPolicy.SKIP_EXAMPLE;
    private double noiseMultiplier = Double.NaN;
    private PrivacyBudget target;
    private double targetDelta = Double.NaN;
    private long plannedSteps;
    private int datasetSize;
    private double samplingRate = Double.NaN;
    private double expectedBatchSize = Double.NaN;
    private int fixedBatchSize;
    private SamplingScheme samplingScheme = SamplingScheme.POISSON;
    private NeighbouringRelation relation;
    private Function<NeighbouringRelation, ? extends PrivacyAccountant> accountants;
    private PrivacyFilter filter;

    private Builder() {}

    /**
     * Flat clipping to L2 norm {@code clipNorm} (positive, finite).
     *
     * @param clipNorm positive and finite
     * @return this builder
     */
    public Builder clipNorm(double clipNorm) {
      this.clipNorm = Checks.positiveFinite("clipNorm", clipNorm);
      return this;
    }

    /**
     * Per-layer clipping, one bound per gradient block (see {@link PerLayerClipper}).
     *
     * @param clipNorms one or more, each positive and finite
     * @return this builder
     */
    public Builder perLayerClipNorms(double... clipNorms) {
      PerLayerClipper.of(clipNorms); // validates
      this.perLayerClipNorms = clipNorms.clone();
      return this;
    }

    /**
     * Adaptive flat clipping (see {@link AdaptiveClipping}).
     *
     * @param adaptiveClipping the settings, not null
     * @return this builder
     */
    public Builder adaptiveClipping(AdaptiveClipping adaptiveClipping) {
      this.adaptiveClipping = Checks.notNull("adaptiveClipping", adaptiveClipping);
      return this;
    }

    /**
     * What to do with non-finite examples; default {@link NonFiniteGradientPolicy#SKIP_EXAMPLE}.
     *
     * @param policy the policy, not null
     * @return this builder
     */
    public Builder nonFinitePolicy(NonFiniteGradientPolicy policy) {
      this.nonFinitePolicy = Checks.notNull("nonFinitePolicy", policy);
      return this;
    }

    /**
     * A fixed noise multiplier {@code sigma} (finite, {@code >= 0}), instead of a target; epsilon
     * is then reported, not capped, at {@link #targetDelta}. Zero means no noise and no privacy
     * (infinite epsilon): a limited filter refuses every step, so it is only useful with an
     * odometer, for testing.
     *
     * @param noiseMultiplier finite and {@code >= 0}
     * @return this builder
     */
    public Builder noiseMultiplier(double noiseMultiplier) {
      this.noiseMultiplier = Checks.nonNegativeFinite("noiseMultiplier", noiseMultiplier);
      return this;
    }

    /**
     * What this run may spend: the noise multiplier is calibrated so that {@link #plannedSteps}
     * steps spend at most {@code target} by the configured accountant ({@link
     * NoiseCalibration#noiseMultiplier}) and, with a given filter that holds spends or has a
     * smaller budget, so that the filter can afford them (see {@link DpSgdConfig#calibration()}).
     * Its delta, which must be positive, is the delta every epsilon is stated at.
     *
     * @param target not null; its delta must be positive
     * @return this builder
     */
    public Builder target(PrivacyBudget target) {
      this.target = Checks.notNull("target", target);
      return this;
    }

    /**
     * The delta at which epsilon is stated with a fixed noise multiplier, in {@code (0, 1)};
     * implied by {@link #target}, and by a given filter when not set.
     *
     * @param targetDelta in {@code (0, 1)}
     * @return this builder
     */
    public Builder targetDelta(double targetDelta) {
      this.targetDelta = Checks.positiveDelta("targetDelta", targetDelta);
      return this;
    }

    /**
     * The planned number of steps, {@code >= 1}.
     *
     * @param plannedSteps {@code >= 1}
     * @return this builder
     */
    public Builder plannedSteps(long plannedSteps) {
      this.plannedSteps = Checks.positive("plannedSteps", plannedSteps);
      return this;
    }

    /**
     * The dataset size {@code N}, {@code >= 1}.
     *
     * @param datasetSize {@code >= 1}
     * @return this builder
     */
    public Builder datasetSize(int datasetSize) {
      this.datasetSize = Checks.positive("datasetSize", datasetSize);
      return this;
    }

    /**
     * The Poisson sampling rate {@code q}, in {@code (0, 1]}.
     *
     * @param samplingRate in {@code (0, 1]}
     * @return this builder
     */
    public Builder samplingRate(double samplingRate) {
      this.samplingRate = Checks.samplingRate("samplingRate", samplingRate);
      return this;
    }

    /**
     * The expected Poisson batch size {@code m = qN}, in {@code (0, N]}: the update is divided by
     * exactly this value, and {@code q = m / N}.
     *
     * @param expectedBatchSize in {@code (0, N]}
     * @return this builder
     */
    public Builder expectedBatchSize(double expectedBatchSize) {
      this.expectedBatchSize = Checks.positiveFinite("expectedBatchSize", expectedBatchSize);
      return this;
    }

    /**
     * The batch size of {@link SamplingScheme#SHUFFLED_FIXED_SIZE} batches, {@code >= 1}.
     *
     * @param fixedBatchSize {@code >= 1}
     * @return this builder
     */
    public Builder fixedBatchSize(int fixedBatchSize) {
      this.fixedBatchSize = Checks.positive("fixedBatchSize", fixedBatchSize);
      return this;
    }

    /**
     * How batches are formed; default {@link SamplingScheme#POISSON}.
     *
     * @param samplingScheme not null
     * @return this builder
     */
    public Builder samplingScheme(SamplingScheme samplingScheme) {
      this.samplingScheme = Checks.notNull("samplingScheme", samplingScheme);
      return this;
    }

    /**
     * The neighbouring relation; default the given filter's, else {@link
     * NeighbouringRelation#ADD_OR_REMOVE_ONE}. Accountants are created under it.
     *
     * @param relation not null
     * @return this builder
     */
    public Builder relation(NeighbouringRelation relation) {
      this.relation = Checks.notNull("relation", relation);
      return this;
    }

    /**
     * The accountant that accounts the run; default the given filter's kind, else {@link
     * DpSgdConfig#DEFAULT_ACCOUNTANT} (PLD, the tightest for DP-SGD).
     *
     * @param kind not null
     * @return this builder
     */
    public Builder accountant(AccountantKind kind) {
      Checks.notNull("kind", kind);
      this.accountants = kind::create;
      return this;
    }

    /**
     * A user's own accountant, or one with non-default settings: {@code accountants} returns a new,
     * empty accountant under the relation it is given on every call (for example {@code r -> new
     * RdpAccountant(r, orders)}).
     *
     * @param accountants a factory of fresh accountants, not null
     * @return this builder
     */
    public Builder accountant(
        Function<NeighbouringRelation, ? extends PrivacyAccountant> accountants) {
      this.accountants = Checks.notNull("accountant", accountants);
      return this;
    }

    /**
     * The budget filter to charge instead of a derived one, for example {@code
     * PrivacyLedger.filter()}; its accountant kind, relation and delta must agree with this
     * configuration (kind and relation are taken from it when not set).
     *
     * @param filter not null
     * @return this builder
     */
    public Builder filter(PrivacyFilter filter) {
      this.filter = Checks.notNull("filter", filter);
      return this;
    }

    /**
     * Validates everything, resolves the noise multiplier and derives the filter.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the first setting that is missing, conflicting or out
     *     of range (a given filter whose accountant kind, relation or delta differs included); for
     *     a target, also when it is unreachable
     * @throws PrivacyBudgetExceededException when a given limited filter cannot afford the planned
     *     steps at any noise multiplier up to {@link NoiseCalibration#MAX_NOISE_MULTIPLIER};
     *     nothing is charged
     */
    public DpSgdConfig build() {
      return new DpSgdConfig(this);
    }
  }
}

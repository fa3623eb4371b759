package org.dp4j.training.config;

import java.util.Optional;
import java.util.function.Supplier;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.PrivacyAccountant;
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
 * The privacy-relevant settings of a DP-SGD run, validated and resolved once: clipping, noise
 * multiplier (given, or calibrated from a target budget for the planned steps), sampling, the
 * accountant and the neighbouring relation. Immutable and thread-safe (the accountant supplier
 * must be too).
 *
 * <p><b>Per-step event.</b> With {@link SamplingScheme#POISSON} every step is {@code
 * PoissonSampled(q, Gaussian(sigma))} (plain {@code Gaussian(sigma)} when {@code q = 1}), the
 * event of Abadi et al. 2016 analysed by the RDP and PLD accountants. With {@link
 * SamplingScheme#SHUFFLED_FIXED_SIZE} every step is the plain {@code Gaussian(sigma)}: no
 * amplification is claimed, and the relation must be {@link NeighbouringRelation#REPLACE_ONE},
 * under which a record sits in at most one batch per epoch and the clipped sum's sensitivity is
 * twice the clip norm (the accountant applies that factor).
 *
 * <p>Build with {@link #builder()}; see the builder's methods for required settings.
 */
public final class DpSgdConfig {

  private final PerExampleClipper clipper;
  private final AdaptiveClipping adaptiveClipping;
  private final double noiseMultiplier;
  private final PrivacyBudget target;
  private final double targetDelta;
  private final long plannedSteps;
  private final int datasetSize;
  private final double samplingRate;
  private final double expectedBatchSize;
  private final SamplingScheme samplingScheme;
  private final NeighbouringRelation relation;
  private final Supplier<? extends PrivacyAccountant> accountants;
  private final String accountantName;

  private DpSgdConfig(Builder b) {
    Checks.require(b.clipNorm > 0 || b.perLayerClipNorms != null || b.adaptiveClipping != null,
        "clipNorm", "set (clipNorm, perLayerClipNorms or adaptiveClipping)", "nothing");
    Checks.require(countSet(b.clipNorm > 0, b.perLayerClipNorms != null,
        b.adaptiveClipping != null) == 1, "clipping", "exactly one of clipNorm, "
        + "perLayerClipNorms and adaptiveClipping", "several");
    if (b.perLayerClipNorms != null) {
      this.clipper = PerLayerClipper.of(b.nonFinitePolicy, b.perLayerClipNorms);
    } else if (b.adaptiveClipping != null) {
      this.clipper = FlatClipper.of(b.adaptiveClipping.initialClipNorm(), b.nonFinitePolicy);
    } else {
      this.clipper = FlatClipper.of(b.clipNorm, b.nonFinitePolicy);
    }
    this.adaptiveClipping = b.adaptiveClipping;

    this.samplingScheme = b.samplingScheme;
    this.relation = b.relation;
    Checks.positive("datasetSize", b.datasetSize);
    this.datasetSize = b.datasetSize;
    if (samplingScheme == SamplingScheme.POISSON) {
      Checks.require(b.fixedBatchSize == 0, "fixedBatchSize", "unset with POISSON sampling (use "
          + "samplingRate or expectedBatchSize)", b.fixedBatchSize);
      Checks.require(Double.isNaN(b.samplingRate) != Double.isNaN(b.expectedBatchSize),
          "samplingRate", "set, or expectedBatchSize set, but not both", b.samplingRate);
      if (!Double.isNaN(b.expectedBatchSize)) {
        Checks.require(b.expectedBatchSize > 0 && b.expectedBatchSize <= b.datasetSize,
            "expectedBatchSize", "in (0, datasetSize = " + b.datasetSize + "]",
            b.expectedBatchSize);
        this.samplingRate = Math.min(1.0, b.expectedBatchSize / b.datasetSize);
      } else {
        this.samplingRate = b.samplingRate;
      }
      Checks.samplingRate("samplingRate", samplingRate);
      this.expectedBatchSize = samplingRate * datasetSize;
    } else {
      Checks.require(b.relation == NeighbouringRelation.REPLACE_ONE, "relation",
          "REPLACE_ONE with SHUFFLED_FIXED_SIZE batches (a record added or removed shifts every "
              + "later batch; use Poisson sampling for ADD_OR_REMOVE_ONE)", b.relation);
      Checks.require(b.fixedBatchSize > 0 && b.fixedBatchSize <= b.datasetSize, "fixedBatchSize",
          "in [1, datasetSize = " + b.datasetSize + "] with SHUFFLED_FIXED_SIZE batches",
          b.fixedBatchSize);
      Checks.require(Double.isNaN(b.samplingRate) && Double.isNaN(b.expectedBatchSize),
          "samplingRate", "unset with SHUFFLED_FIXED_SIZE batches (use fixedBatchSize)",
          b.samplingRate);
      this.samplingRate = (double) b.fixedBatchSize / b.datasetSize;
      this.expectedBatchSize = b.fixedBatchSize;
    }

    Checks.notNull("accountants", b.accountants);
    this.accountants = b.accountants;
    PrivacyAccountant probe = Checks.notNull("accountants.get()", b.accountants.get());
    Checks.require(probe.relation() == relation, "accountant relation", "equal to the configured "
        + "relation " + relation, probe.relation());
    this.accountantName = probe.getClass().getSimpleName();
    PrivacyEvent probeEvent = new GaussianEvent(1.0).poissonSampled(eventSamplingRate());
    String unsupported = probe.unsupportedReason(probeEvent).orElse(null);
    Checks.require(unsupported == null, "accountant", "able to account for DP-SGD steps such as "
        + probeEvent, unsupported);

    Checks.positive("plannedSteps", b.plannedSteps);
    this.plannedSteps = b.plannedSteps;
    Checks.require(Double.isNaN(b.noiseMultiplier) != (b.target == null), "noiseMultiplier",
        "set, or target set, but not both", b.noiseMultiplier);
    if (b.target != null) {
      Checks.require(Double.isNaN(b.targetDelta) || b.targetDelta == b.target.delta(),
          "targetDelta", "unset or equal to target.delta() with a target budget", b.targetDelta);
      this.target = b.target;
      this.targetDelta = Checks.positiveDelta("target.delta", b.target.delta());
      this.noiseMultiplier = NoiseCalibration.noiseMultiplier(b.target,
          sigma -> new GaussianEvent(sigma).poissonSampled(eventSamplingRate())
              .repeated(plannedSteps),
          accountants, NoiseCalibration.DEFAULT_RELATIVE_TOLERANCE).noiseMultiplier();
    } else {
      this.target = null;
      this.noiseMultiplier = Checks.nonNegativeFinite("noiseMultiplier", b.noiseMultiplier);
      this.targetDelta = Checks.positiveDelta("targetDelta", b.targetDelta);
    }
    if (adaptiveClipping != null) {
      adaptiveClipping.gradientNoiseMultiplier(noiseMultiplier); // validates z < 2 sigma_b
    }
    Checks.require(noiseMultiplier * clipper.l2Sensitivity() < Double.POSITIVE_INFINITY,
        "noiseMultiplier * l2Sensitivity", "finite", noiseMultiplier * clipper.l2Sensitivity());
  }

  private static int countSet(boolean... set) {
    int n = 0;
    for (boolean s : set) {
      n += s ? 1 : 0;
    }
    return n;
  }

  /** A builder with the defaults stated on its setters. */
  public static Builder builder() {
    return new Builder();
  }

  /** The sampling rate the accountant sees: {@code q} for Poisson, 1 for shuffled batches. */
  private double eventSamplingRate() {
    return samplingScheme == SamplingScheme.POISSON ? samplingRate : 1.0;
  }

  /**
   * The clipper of the first step (for adaptive clipping: a flat clipper at the initial norm).
   */
  public PerExampleClipper clipper() {
    return clipper;
  }

  /** The adaptive clipping settings, if enabled. */
  public Optional<AdaptiveClipping> adaptiveClipping() {
    return Optional.ofNullable(adaptiveClipping);
  }

  /**
   * The accounted noise multiplier {@code sigma}: each step is charged as a Gaussian with this
   * multiplier. Without adaptive clipping it is also the gradient noise multiplier.
   */
  public double noiseMultiplier() {
    return noiseMultiplier;
  }

  /**
   * The multiplier of the noise added to the clipped gradient sum (standard deviation over L2
   * sensitivity): {@link #noiseMultiplier()}, or larger with adaptive clipping (see {@link
   * AdaptiveClipping#gradientNoiseMultiplier(double)}).
   */
  public double gradientNoiseMultiplier() {
    return adaptiveClipping == null
        ? noiseMultiplier
        : adaptiveClipping.gradientNoiseMultiplier(noiseMultiplier);
  }

  /** The target budget the noise multiplier was calibrated for, if one was given. */
  public Optional<PrivacyBudget> target() {
    return Optional.ofNullable(target);
  }

  /** The delta at which epsilon is stated. */
  public double targetDelta() {
    return targetDelta;
  }

  /** The number of steps the run is planned for (and calibrated for, with a target). */
  public long plannedSteps() {
    return plannedSteps;
  }

  /** The dataset size {@code N}. */
  public int datasetSize() {
    return datasetSize;
  }

  /** The sampling rate {@code q} (for shuffled batches: batch size / N). */
  public double samplingRate() {
    return samplingRate;
  }

  /**
   * The denominator of the update: {@code qN} for Poisson sampling (never the realised batch size,
   * which is private), the fixed batch size for shuffled batches.
   */
  public double expectedBatchSize() {
    return expectedBatchSize;
  }

  /** How batches are formed. */
  public SamplingScheme samplingScheme() {
    return samplingScheme;
  }

  /** The neighbouring relation of the guarantee (and of the accountant). */
  public NeighbouringRelation relation() {
    return relation;
  }

  /** A fresh, empty accountant of the configured kind. */
  public PrivacyAccountant newAccountant() {
    return accountants.get();
  }

  /** The privacy event of one step (see the class documentation). */
  public PrivacyEvent stepEvent() {
    return new GaussianEvent(noiseMultiplier).poissonSampled(eventSamplingRate());
  }

  /**
   * The privacy event of {@code steps} steps.
   *
   * @param steps {@code >= 1}
   * @return {@code steps} self-compositions of {@link #stepEvent()}
   */
  public PrivacyEvent eventForSteps(long steps) {
    Checks.positive("steps", steps);
    return new GaussianEvent(noiseMultiplier).poissonSampled(eventSamplingRate()).repeated(steps);
  }

  /** The statement for the planned number of steps, with private noise. */
  public PrivacyStatement privacyStatement() {
    return privacyStatement(plannedSteps, true);
  }

  /**
   * The statement after {@code steps} steps, from a fresh accountant, for batches drawn by a
   * secret, secure sampler.
   *
   * @param steps {@code >= 0}
   * @param privateNoise whether the noise was secure
   * @return the statement at {@link #targetDelta()}
   */
  public PrivacyStatement privacyStatement(long steps, boolean privateNoise) {
    return privacyStatement(steps, privateNoise, true);
  }

  /**
   * The statement after {@code steps} steps, from a fresh accountant.
   *
   * @param steps {@code >= 0}
   * @param privateNoise whether the noise was secure
   * @param privateSampling whether the batches came from a secret, secure sampler (false for a
   *     seeded testing generator: the statement then says it is no guarantee)
   * @return the statement at {@link #targetDelta()}
   */
  public PrivacyStatement privacyStatement(long steps, boolean privateNoise,
      boolean privateSampling) {
    Checks.nonNegative("steps", steps);
    double epsilon = 0.0;
    if (steps > 0) {
      PrivacyAccountant accountant = accountants.get();
      accountant.compose(eventForSteps(steps));
      epsilon = accountant.epsilon(targetDelta);
      if (Double.isNaN(epsilon)) {
        epsilon = Double.POSITIVE_INFINITY; // never under-report
      }
    }
    return new PrivacyStatement(epsilon, targetDelta, steps, noiseMultiplier, samplingRate,
        samplingScheme, relation, accountantName, privateNoise, privateSampling);
  }

  @Override
  public String toString() {
    return "DpSgdConfig[clipper=" + clipper + ", adaptiveClipping=" + adaptiveClipping
        + ", noiseMultiplier=" + noiseMultiplier + ", target=" + target + ", targetDelta="
        + targetDelta + ", plannedSteps=" + plannedSteps + ", datasetSize=" + datasetSize
        + ", samplingRate=" + samplingRate + ", samplingScheme=" + samplingScheme + ", relation="
        + relation + ", accountant=" + accountantName + "]";
  }

  /**
   * Collects the settings; {@link #build()} validates them together. Required: a clipping
   * setting, the dataset size, the sampling (rate or expected batch size, or a fixed batch size
   * for shuffled batches), the planned steps, an accountant, and either a noise multiplier with a
   * target delta or a target budget. Not thread-safe.
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
    private NeighbouringRelation relation = NeighbouringRelation.ADD_OR_REMOVE_ONE;
    private Supplier<? extends PrivacyAccountant> accountants;

    private Builder() {}

    /** Flat clipping to L2 norm {@code clipNorm} (positive, finite). */
    public Builder clipNorm(double clipNorm) {
      this.clipNorm = Checks.positiveFinite("clipNorm", clipNorm);
      return this;
    }

    /** Per-layer clipping, one bound per gradient block (see {@link PerLayerClipper}). */
    public Builder perLayerClipNorms(double... clipNorms) {
      PerLayerClipper.of(clipNorms); // validates
      this.perLayerClipNorms = clipNorms.clone();
      return this;
    }

    /** Adaptive flat clipping (see {@link AdaptiveClipping}). */
    public Builder adaptiveClipping(AdaptiveClipping adaptiveClipping) {
      this.adaptiveClipping = Checks.notNull("adaptiveClipping", adaptiveClipping);
      return this;
    }

    /** What to do with non-finite examples; default {@link NonFiniteGradientPolicy#SKIP_EXAMPLE}. */
    public Builder nonFinitePolicy(NonFiniteGradientPolicy policy) {
      this.nonFinitePolicy = Checks.notNull("nonFinitePolicy", policy);
      return this;
    }

    /**
     * The noise multiplier {@code sigma} (finite, {@code >= 0}); needs {@link #targetDelta}. Zero
     * means no noise and no privacy (infinite epsilon): a limited filter refuses every step, so
     * it is only useful with an odometer, for testing.
     */
    public Builder noiseMultiplier(double noiseMultiplier) {
      this.noiseMultiplier = Checks.nonNegativeFinite("noiseMultiplier", noiseMultiplier);
      return this;
    }

    /**
     * A target budget: the noise multiplier is calibrated so that {@link #plannedSteps} steps
     * spend at most {@code target} by the configured accountant ({@link
     * NoiseCalibration#noiseMultiplier}). Its delta, which must be positive, is the target delta.
     */
    public Builder target(PrivacyBudget target) {
      this.target = Checks.notNull("target", target);
      return this;
    }

    /** The delta at which epsilon is stated, in {@code (0, 1)}; implied by {@link #target}. */
    public Builder targetDelta(double targetDelta) {
      this.targetDelta = Checks.positiveDelta("targetDelta", targetDelta);
      return this;
    }

    /** The planned number of steps, {@code >= 1}. */
    public Builder plannedSteps(long plannedSteps) {
      this.plannedSteps = Checks.positive("plannedSteps", plannedSteps);
      return this;
    }

    /** The dataset size {@code N}, {@code >= 1}. */
    public Builder datasetSize(int datasetSize) {
      this.datasetSize = Checks.positive("datasetSize", datasetSize);
      return this;
    }

    /** The Poisson sampling rate {@code q}, in {@code (0, 1]}. */
    public Builder samplingRate(double samplingRate) {
      this.samplingRate = Checks.samplingRate("samplingRate", samplingRate);
      return this;
    }

    /** The expected Poisson batch size {@code qN}, in {@code (0, N]}; sets {@code q}. */
    public Builder expectedBatchSize(double expectedBatchSize) {
      this.expectedBatchSize = Checks.positiveFinite("expectedBatchSize", expectedBatchSize);
      return this;
    }

    /** The batch size of {@link SamplingScheme#SHUFFLED_FIXED_SIZE} batches, {@code >= 1}. */
    public Builder fixedBatchSize(int fixedBatchSize) {
      this.fixedBatchSize = Checks.positive("fixedBatchSize", fixedBatchSize);
      return this;
    }

    /** How batches are formed; default {@link SamplingScheme#POISSON}. */
    public Builder samplingScheme(SamplingScheme samplingScheme) {
      this.samplingScheme = Checks.notNull("samplingScheme", samplingScheme);
      return this;
    }

    /**
     * The neighbouring relation; default {@link NeighbouringRelation#ADD_OR_REMOVE_ONE}. Must
     * match the accountant's.
     */
    public Builder relation(NeighbouringRelation relation) {
      this.relation = Checks.notNull("relation", relation);
      return this;
    }

    /**
     * Fresh accountants of the kind that accounts the run (for example {@code
     * RdpAccountant::new}); each call must return a new, empty accountant.
     */
    public Builder accountant(Supplier<? extends PrivacyAccountant> accountants) {
      this.accountants = Checks.notNull("accountant", accountants);
      return this;
    }

    /**
     * Validates everything and resolves the noise multiplier.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the first setting that is missing, conflicting or
     *     out of range; for a target, also when it is unreachable
     */
    public DpSgdConfig build() {
      return new DpSgdConfig(this);
    }
  }
}

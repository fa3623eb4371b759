package org.dp4j.training.audit;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.random.RandomGenerator;
import org.dp4j.core.internal.Checks;
import org.dp4j.training.clipping.ClippableGradients;
import org.dp4j.training.clipping.GradientInjector;
import org.dp4j.training.clipping.PerExampleGradients;
import org.dp4j.training.optimizer.ReleasedGradientListener;
import org.dp4j.training.sampling.PoissonBatchSampler;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * White-box gradient canaries for a one-run audit of DP-SGD (Steinke, Nasr &amp; Jagielski 2023,
 * "Privacy Auditing with One (1) Training Run", gradient canaries with Dirac directions), to be set
 * as both the optimizer's {@link GradientInjector} and its {@link ReleasedGradientListener}.
 *
 * <p><b>Canaries.</b> Canary {@code i} is a per-example gradient that is zero except at one
 * parameter coordinate {@code j_i} (distinct coordinates, drawn once), where it is {@link
 * Builder#norm(double)}, chosen far above the clip norm: dp4j's clipper scales it to the clip norm,
 * and a clipper that failed to would make the canary stand out. Each canary is included in the run
 * independently with probability 1/2.
 *
 * <p><b>Sampling.</b> An included canary is an example of the training set like any other: on every
 * step it joins the batch independently with the run's sampling rate {@code q} (drawn by a {@link
 * PoissonBatchSampler}), is clipped by the step's clipper with the batch, and adds to the same
 * noisy sum. The training set is the real examples plus the included canaries, and every one of
 * them is in each batch with probability {@code q}; the run's noise multiplier, {@code q}, the
 * number of steps and the divisor (the expected batch size) are fixed before the inclusion bits are
 * drawn and do not depend on them. So the run's claim (a function of the noise multiplier, {@code
 * q}, the steps and delta only) is exactly its claim for this training set, canaries included, and
 * the audit tests that claim. An implementation that injected canaries into every step instead
 * would give them sampling rate 1 and break the claim it tests.
 *
 * <p><b>Scores.</b> Both {@link CanaryScoring}s are kept, from each step's released noisy gradient
 * {@code g_t} (before the updater, which is nonlinear for Adam and would distort the signal): the
 * sum over the steps of {@code <g_t, e_{j_i}>}, to which an included canary adds about {@code q T C
 * / (qN)}, and the sum of the per-step log likelihood ratios.
 *
 * <p><b>Randomness.</b> The coordinates and the inclusion bits come from {@link
 * Builder#selectionRandom} (a {@link SecureRandom} by default; a seeded one makes an audit
 * reproducible and is not a privacy concern, as long as it is independent of the run). The per-step
 * sampling is part of the mechanism and always draws from a {@link SecureRandom}, like the batches.
 *
 * <p>Not thread-safe; one instance per run.
 */
public final class GradientCanaries implements GradientInjector, ReleasedGradientListener {

  /** Coordinates of the released gradient the noise level is estimated from, per step. */
  private static final int NOISE_PROBE_SIZE = 20_000;

  /** {@code 1 / Phi^-1(3/4)}: the median absolute deviation of N(0, s^2), times this, is s. */
  private static final double MAD_TO_STANDARD_DEVIATION = 1.482602218505602;

  private final int[] coordinates;
  private final boolean[] included;
  private final long parameterCount;
  private final float norm;
  private final PoissonBatchSampler sampler;
  private final double samplingRate;
  private final double contribution;
  private final int[] noiseProbe;
  private final double[] sums;
  private final double[] likelihoodRatios;
  private long stepsObserved;

  private GradientCanaries(Builder b) {
    Checks.require(b.count >= 2, "count", ">= 2", b.count);
    Checks.require(b.parameterCount >= 1, "parameterCount", "set (>= 1)", b.parameterCount);
    Checks.require(
        b.count <= b.parameterCount,
        "count",
        "at most the parameter count " + b.parameterCount + " (one coordinate per canary)",
        b.count);
    Checks.require(b.samplingRate > 0, "samplingRate", "set", "nothing");
    Checks.require(b.norm > 0, "norm", "set", "nothing");
    Checks.require(b.contribution > 0, "contribution", "set", "nothing");
    this.parameterCount = b.parameterCount;
    this.norm = (float) b.norm;
    this.coordinates = distinctCoordinates(b.count, b.parameterCount, b.selectionRandom);
    this.included = new boolean[b.count];
    for (int i = 0; i < b.count; i++) {
      included[i] = b.selectionRandom.nextBoolean();
    }
    this.sampler = PoissonBatchSampler.of(b.count, b.samplingRate, new SecureRandom());
    this.samplingRate = b.samplingRate;
    this.contribution = b.contribution;
    this.noiseProbe =
        distinctCoordinates(
            (int) Math.min(NOISE_PROBE_SIZE, b.parameterCount),
            b.parameterCount,
            b.selectionRandom);
    this.sums = new double[b.count];
    this.likelihoodRatios = new double[b.count];
  }

  /**
   * {@return a builder; count, parameter count, sampling rate, norm and contribution are required}
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Floyd's algorithm: {@code k} distinct values in {@code [0, n)}, each subset equally likely. */
  private static int[] distinctCoordinates(int k, long n, RandomGenerator random) {
    java.util.Set<Long> chosen = new java.util.LinkedHashSet<>();
    for (long j = n - k; j < n; j++) {
      long t = random.nextLong(j + 1);
      chosen.add(chosen.contains(t) ? j : t);
    }
    int[] out = new int[k];
    int i = 0;
    for (long c : chosen) {
      out[i++] = (int) c;
    }
    return out;
  }

  /**
   * The included canaries that join step {@code step}, as per-example gradients {@code [b, P]}, or
   * empty when none joins.
   *
   * @throws IllegalArgumentException when {@code parameterCount} differs from the builder's
   */
  @Override
  public Optional<ClippableGradients> inject(long step, long parameterCount) {
    Checks.require(
        parameterCount == this.parameterCount,
        "parameterCount",
        "equal to the canaries' " + this.parameterCount,
        parameterCount);
    int[] sampled = sampler.nextBatch();
    int joining = 0;
    for (int i : sampled) {
      joining += included[i] ? 1 : 0;
    }
    if (joining == 0) {
      return Optional.empty();
    }
    INDArray rows = Nd4j.zeros(DataType.FLOAT, joining, parameterCount);
    int row = 0;
    for (int i : sampled) {
      if (included[i]) {
        rows.putScalar(row++, coordinates[i], norm);
      }
    }
    return Optional.of(PerExampleGradients.ofMatrix(rows));
  }

  /**
   * Scores the released gradient: adds its coordinate {@code j_i} to canary {@code i}'s sum, and
   * the log likelihood ratio of that coordinate to its likelihood-ratio score (see {@link
   * CanaryScoring#LIKELIHOOD_RATIO}).
   */
  @Override
  public void released(long step, INDArray noisyGradient) {
    Checks.notNull("noisyGradient", noisyGradient);
    Checks.require(
        noisyGradient.length() == parameterCount,
        "noisyGradient.length()",
        "equal to the canaries' parameter count " + parameterCount,
        noisyGradient.length());
    INDArray flat = noisyGradient.reshape('c', new long[] {parameterCount});
    double[] probe = new double[noiseProbe.length];
    for (int k = 0; k < probe.length; k++) {
      probe[k] = flat.getDouble(noiseProbe[k]);
    }
    double noise = Math.max(MAD_TO_STANDARD_DEVIATION * medianAbsoluteDeviation(probe), 0);
    // A released gradient without measurable noise: the likelihood ratio of a clean signal.
    double variance = Math.max(noise * noise, 1e-6 * contribution * contribution);
    for (int i = 0; i < coordinates.length; i++) {
      double x = flat.getDouble(coordinates[i]);
      sums[i] += x;
      double logRatio = (contribution * x - 0.5 * contribution * contribution) / variance;
      likelihoodRatios[i] += logOneMinusQPlusQExp(logRatio);
    }
    stepsObserved++;
  }

  /** {@code log(1 - q + q e^a)}, without overflow for large {@code a}. */
  private double logOneMinusQPlusQExp(double a) {
    if (a > 0) {
      return a + Math.log(samplingRate + (1 - samplingRate) * Math.exp(-a));
    }
    return Math.log1p(samplingRate * Math.expm1(a));
  }

  private static double medianAbsoluteDeviation(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    double median = median(v);
    for (int k = 0; k < v.length; k++) {
      v[k] = Math.abs(v[k] - median);
    }
    java.util.Arrays.sort(v);
    return median(v);
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  }

  /** {@return the number of released gradients scored so far} */
  public long stepsObserved() {
    return stepsObserved;
  }

  /** {@return the number of canaries {@code m}} */
  public int count() {
    return coordinates.length;
  }

  /**
   * The canaries' scores so far, with their inclusion bits.
   *
   * @param scoring which score
   * @return the scores
   */
  public CanaryScores scores(CanaryScoring scoring) {
    Checks.notNull("scoring", scoring);
    return new CanaryScores(
        scoring == CanaryScoring.INNER_PRODUCT_SUM ? sums : likelihoodRatios, included);
  }

  /**
   * The audit of the run: the canaries' scores so far against its claim.
   *
   * @param claim what the run claims, for the steps scored
   * @param scoring which score the guesses are made from, fixed before the scores were seen
   * @param plan the guess rules, fixed before the scores were seen
   * @param confidence in {@code (0, 1)}
   * @param withFdp whether to run the f-DP analysis too
   * @param understatedNoiseFactor the deliberate fault of the run, or empty
   * @return the result
   * @throws IllegalStateException when the claim covers a different number of steps than were
   *     scored
   */
  public AuditResult audit(
      ClaimedPrivacy claim,
      CanaryScoring scoring,
      GuessPlan plan,
      double confidence,
      boolean withFdp,
      OptionalDouble understatedNoiseFactor) {
    Checks.notNull("claim", claim);
    if (claim.steps() != stepsObserved) {
      throw new IllegalStateException(
          "claim.steps() must equal the steps scored " + stepsObserved + ", got " + claim.steps());
    }
    return OneRunAudit.evaluate(
        CanaryKind.GRADIENT,
        scores(scoring),
        claim,
        plan,
        confidence,
        withFdp,
        understatedNoiseFactor);
  }

  @Override
  public String toString() {
    return "GradientCanaries[count="
        + coordinates.length
        + ", parameterCount="
        + parameterCount
        + ", norm="
        + norm
        + ", stepsObserved="
        + stepsObserved
        + "]";
  }

  /** Collects the canaries' settings; {@link #build()} checks them together. Not thread-safe. */
  public static final class Builder {
    private int count;
    private long parameterCount;
    private double samplingRate = Double.NaN;
    private double norm = Double.NaN;
    private double contribution = Double.NaN;
    private RandomGenerator selectionRandom = new SecureRandom();

    private Builder() {}

    /**
     * The number of canaries {@code m}.
     *
     * @param count {@code >= 2} and at most the parameter count
     * @return this builder
     */
    public Builder count(int count) {
      this.count = Checks.positive("count", count);
      return this;
    }

    /**
     * The model's parameter count {@code P} (the per-example gradient length).
     *
     * @param parameterCount positive
     * @return this builder
     */
    public Builder parameterCount(long parameterCount) {
      this.parameterCount = Checks.positive("parameterCount", parameterCount);
      return this;
    }

    /**
     * The run's sampling rate {@code q} ({@code DpSgdConfig.samplingRate()}).
     *
     * @param samplingRate in {@code (0, 1]}
     * @return this builder
     */
    public Builder samplingRate(double samplingRate) {
      this.samplingRate = Checks.samplingRate("samplingRate", samplingRate);
      return this;
    }

    /**
     * The canary gradients' L2 norm before clipping: far above the clip norm.
     *
     * @param norm positive, finite and at most {@link Float#MAX_VALUE}
     * @return this builder
     */
    public Builder norm(double norm) {
      Checks.positiveFinite("norm", norm);
      Checks.require(norm <= Float.MAX_VALUE, "norm", "at most " + Float.MAX_VALUE, norm);
      this.norm = norm;
      return this;
    }

    /**
     * What one clipped canary adds to its coordinate of the released gradient: the clip norm over
     * the expected batch size, {@code C / (qN)}; positive and finite. The likelihood-ratio score
     * weighs each step's coordinate by it.
     *
     * @param contribution positive and finite
     * @return this builder
     */
    public Builder contribution(double contribution) {
      this.contribution = Checks.positiveFinite("contribution", contribution);
      return this;
    }

    /**
     * The source of the coordinates and the inclusion bits; default a new {@link SecureRandom}. A
     * seeded generator makes the audit reproducible; it must not depend on the training run.
     *
     * @param random not null
     * @return this builder
     */
    public Builder selectionRandom(RandomGenerator random) {
      this.selectionRandom = Checks.notNull("random", random);
      return this;
    }

    /**
     * Checks the settings and draws the coordinates and inclusion bits.
     *
     * @return the canaries
     * @throws IllegalArgumentException when a setting is missing or the count exceeds the parameter
     *     count
     */
    public GradientCanaries build() {
      return new GradientCanaries(this);
    }
  }
}

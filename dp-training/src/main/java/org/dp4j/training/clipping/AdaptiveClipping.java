package org.dp4j.training.clipping;

import org.dp4j.core.internal.Checks;

/**
 * The settings of adaptive quantile clipping (Andrew, Thakkar, McMahan &amp; Ramaswamy 2021,
 * "Differentially Private Learning with Adaptive Clipping", NeurIPS, Algorithm 1 with the geometric
 * update); {@link #clipper(NonFiniteGradientPolicy)} gives the clipping phase of the first step, an
 * {@link AdaptiveClipper}.
 *
 * <p>After each step the flat clip norm moves towards the {@code targetQuantile} of the per-example
 * gradient norms: with {@code b_i = 1} when example {@code i} was within the norm, the step
 * privately releases {@code R = sum_i (b_i - 1/2) + N(0, countNoiseStd^2)}, estimates the fraction
 * within the norm as {@code bHat = R / m + 1/2} ({@code m} the expected batch size), and sets
 * {@code C <- C * exp(-learningRate * (bHat - targetQuantile))}.
 *
 * <p><b>Privacy cost.</b> Each summand {@code b_i - 1/2} lies in {@code [-1/2, 1/2]}, so {@code R}
 * has sensitivity 1/2 under add/remove-one: a Gaussian mechanism with noise multiplier {@code 2 *
 * countNoiseStd}. Released together with the noisy gradient sum (multiplier {@code z_grad}), the
 * pair is one Gaussian mechanism with multiplier {@code z = (z_grad^-2 + (2
 * countNoiseStd)^-2)^(-1/2)} (ibid., Theorem 1). dp4j accounts every step at {@code z} (the
 * configured noise multiplier) and adds gradient noise at the larger {@link
 * #gradientNoiseMultiplier(double)}, so the count's cost is included in the ledger, never on top of
 * it.
 *
 * <p>Built with {@link #builder()}. Immutable and thread-safe.
 */
public final class AdaptiveClipping {

  /** The default target quantile: keep half of the examples unclipped (ibid., §3). */
  public static final double DEFAULT_TARGET_QUANTILE = 0.5;

  /** The default geometric step size {@code eta} (ibid., §3). */
  public static final double DEFAULT_LEARNING_RATE = 0.2;

  private final double initialClipNorm;
  private final double targetQuantile;
  private final double learningRate;
  private final double countNoiseStd;

  private AdaptiveClipping(Builder b) {
    Checks.require(!Double.isNaN(b.initialClipNorm), "initialClipNorm", "set", "nothing");
    Checks.require(!Double.isNaN(b.countNoiseStd), "countNoiseStd", "set", "nothing");
    this.initialClipNorm = b.initialClipNorm;
    this.targetQuantile = b.targetQuantile;
    this.learningRate = b.learningRate;
    this.countNoiseStd = b.countNoiseStd;
  }

  /** {@return a builder with the defaults stated on its setters} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the clip norm of the first step, positive and finite} */
  public double initialClipNorm() {
    return initialClipNorm;
  }

  /** {@return the fraction of examples to keep unclipped, in {@code (0, 1)}} */
  public double targetQuantile() {
    return targetQuantile;
  }

  /** {@return the geometric step size {@code eta}, positive and finite} */
  public double learningRate() {
    return learningRate;
  }

  /** {@return the standard deviation of the count noise, positive and finite} */
  public double countNoiseStd() {
    return countNoiseStd;
  }

  /**
   * The clipping phase of the first step: flat clipping at {@link #initialClipNorm()}.
   *
   * @param nonFinitePolicy what to do with non-finite examples
   * @return the clipper
   */
  public AdaptiveClipper clipper(NonFiniteGradientPolicy nonFinitePolicy) {
    return new AdaptiveClipper(this, initialClipNorm, nonFinitePolicy);
  }

  /**
   * The multiplier of the gradient noise such that gradient sum and count together are a Gaussian
   * mechanism with multiplier {@code accountedNoiseMultiplier}: {@code (z^-2 - (2
   * sigma_b)^-2)^(-1/2)}, rounded up.
   *
   * @param accountedNoiseMultiplier {@code z}, positive, below {@code 2 * countNoiseStd}
   * @return the gradient noise multiplier, at least {@code z}
   * @throws IllegalArgumentException when {@code z >= 2 * countNoiseStd} (the count alone would
   *     cost more than the whole budget of the step)
   */
  public double gradientNoiseMultiplier(double accountedNoiseMultiplier) {
    Checks.positiveFinite("noiseMultiplier", accountedNoiseMultiplier);
    double countMultiplier = 2 * countNoiseStd;
    Checks.require(
        accountedNoiseMultiplier < countMultiplier,
        "noiseMultiplier",
        "below 2 * countNoiseStd = " + countMultiplier + " for adaptive clipping",
        accountedNoiseMultiplier);
    double inverseSquare =
        1 / (accountedNoiseMultiplier * accountedNoiseMultiplier)
            - 1 / (countMultiplier * countMultiplier);
    // Round the result up: more gradient noise is always safe.
    return Math.nextUp(Math.nextUp(1 / Math.sqrt(inverseSquare * (1 - 0x1p-50))));
  }

  /**
   * The next clip norm.
   *
   * @param clipNorm the current clip norm
   * @param noisyCenteredCount {@code R}, the released noisy {@code sum (b_i - 1/2)}
   * @param expectedBatchSize {@code m}, positive
   * @return {@code clipNorm * exp(-learningRate * (R / m + 1/2 - targetQuantile))}, kept within
   *     {@code [1e-300, 1e300]}
   */
  public double nextClipNorm(double clipNorm, double noisyCenteredCount, double expectedBatchSize) {
    Checks.positiveFinite("clipNorm", clipNorm);
    Checks.finite("noisyCenteredCount", noisyCenteredCount);
    Checks.positiveFinite("expectedBatchSize", expectedBatchSize);
    double fractionWithin = noisyCenteredCount / expectedBatchSize + 0.5;
    double next = clipNorm * Math.exp(-learningRate * (fractionWithin - targetQuantile));
    return Math.min(1e300, Math.max(1e-300, next));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AdaptiveClipping a
        && Double.compare(initialClipNorm, a.initialClipNorm) == 0
        && Double.compare(targetQuantile, a.targetQuantile) == 0
        && Double.compare(learningRate, a.learningRate) == 0
        && Double.compare(countNoiseStd, a.countNoiseStd) == 0;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(initialClipNorm, targetQuantile, learningRate, countNoiseStd);
  }

  @Override
  public String toString() {
    return "AdaptiveClipping[initialClipNorm="
        + initialClipNorm
        + ", targetQuantile="
        + targetQuantile
        + ", learningRate="
        + learningRate
        + ", countNoiseStd="
        + countNoiseStd
        + "]";
  }

  /**
   * Collects the settings by name. Required: {@link #initialClipNorm} and {@link #countNoiseStd}.
   * Not thread-safe.
   */
  public static final class Builder {
    private double initialClipNorm = Double.NaN;
    private double targetQuantile = DEFAULT_TARGET_QUANTILE;
    private double learningRate = DEFAULT_LEARNING_RATE;
    private double countNoiseStd = Double.NaN;

    private Builder() {}

    /**
     * The clip norm of the first step (required).
     *
     * @param initialClipNorm positive and finite
     * @return this builder
     */
    public Builder initialClipNorm(double initialClipNorm) {
      this.initialClipNorm = Checks.positiveFinite("initialClipNorm", initialClipNorm);
      return this;
    }

    /**
     * The fraction of examples to keep unclipped; default {@value #DEFAULT_TARGET_QUANTILE}.
     *
     * @param targetQuantile in {@code (0, 1)}
     * @return this builder
     */
    public Builder targetQuantile(double targetQuantile) {
      Checks.require(
          targetQuantile > 0 && targetQuantile < 1, "targetQuantile", "in (0, 1)", targetQuantile);
      this.targetQuantile = targetQuantile;
      return this;
    }

    /**
     * The geometric step size {@code eta}; default {@value #DEFAULT_LEARNING_RATE}.
     *
     * @param learningRate positive and finite
     * @return this builder
     */
    public Builder learningRate(double learningRate) {
      this.learningRate = Checks.positiveFinite("learningRate", learningRate);
      return this;
    }

    /**
     * The standard deviation of the count noise (required; the paper suggests about {@code m / 20}
     * for an expected batch size {@code m}).
     *
     * @param countNoiseStd positive and finite
     * @return this builder
     */
    public Builder countNoiseStd(double countNoiseStd) {
      this.countNoiseStd = Checks.positiveFinite("countNoiseStd", countNoiseStd);
      return this;
    }

    /**
     * The settings.
     *
     * @return the adaptive clipping settings
     * @throws IllegalArgumentException when a required setting is missing
     */
    public AdaptiveClipping build() {
      return new AdaptiveClipping(this);
    }
  }
}

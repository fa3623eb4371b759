package org.dp4j.training.clipping;

import org.dp4j.core.internal.Checks;

/**
 * Adaptive quantile clipping (Andrew, Thakkar, McMahan &amp; Ramaswamy 2021, "Differentially
 * Private Learning with Adaptive Clipping", NeurIPS, Algorithm 1 with the geometric update).
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
 * @param initialClipNorm the clip norm of the first step, positive and finite
 * @param targetQuantile the fraction of examples to keep unclipped, in {@code (0, 1)}
 * @param learningRate the geometric step size {@code eta}, positive and finite (0.2 in the paper)
 * @param countNoiseStd the standard deviation of the count noise, positive and finite (the paper
 *     suggests about {@code m / 20})
 */
public record AdaptiveClipping(
    double initialClipNorm, double targetQuantile, double learningRate, double countNoiseStd) {

  /** Validates the parameters. */
  public AdaptiveClipping {
    Checks.positiveFinite("initialClipNorm", initialClipNorm);
    Checks.require(
        targetQuantile > 0 && targetQuantile < 1, "targetQuantile", "in (0, 1)", targetQuantile);
    Checks.positiveFinite("learningRate", learningRate);
    Checks.positiveFinite("countNoiseStd", countNoiseStd);
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
}

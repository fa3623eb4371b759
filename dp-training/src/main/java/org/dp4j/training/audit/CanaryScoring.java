package org.dp4j.training.audit;

/**
 * How a gradient canary is scored from the released noisy gradients {@code g_1, ..., g_T}; both are
 * functions of the released values only (post-processing), so either gives a valid audit. {@code
 * x_t = <g_t, e_j>} is step {@code t}'s coordinate of canary {@code i}, at {@code j = j_i}.
 */
public enum CanaryScoring {
  /**
   * {@code sum over t of x_t}: the inner product of every step's released gradient with the
   * canary's direction, summed over the steps (Steinke, Nasr &amp; Jagielski 2023, white-box
   * gradient canaries).
   */
  INNER_PRODUCT_SUM,
  /**
   * {@code sum over t of log(1 - q + q exp((mu x_t - mu^2 / 2) / s_t^2))}: the log likelihood ratio
   * of "included" (the canary joined step {@code t} with probability {@code q}, adding {@code mu},
   * the clip norm over the expected batch size) against "excluded", with Gaussian noise of standard
   * deviation {@code s_t}, which is estimated from the released gradient itself (1.4826 times the
   * median absolute deviation of 20,000 of its coordinates), not taken from the claim: a run that
   * adds less noise than it claims is scored with the noise it adds. By the Neyman-Pearson lemma
   * this is the most powerful score for one Poisson-subsampled Gaussian canary; it separates
   * included from excluded canaries better than the sum whenever the noise is small enough for a
   * single step to be visible.
   */
  LIKELIHOOD_RATIO
}

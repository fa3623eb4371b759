package org.dp4j.training.clipping;

import org.dp4j.training.internal.ClipRule;

/**
 * The per-example factors of flat clipping, {@code c_i = min(1, C / ||g_i||)} (Abadi et al. 2016,
 * Algorithm 1), from squared norms, with the counts a {@link ClippedSum} reports. The one place
 * that decides, for every flat clipper and whatever computed the norms, whether an example is
 * within the norm, what its factor is, and what happens to a non-finite example.
 *
 * <p>The decision and the factor follow {@link ClipRule}: the computed norm is first inflated by
 * its floating-point error bound, an example is within the norm only when that bound is at most
 * {@code C}, and a clipped factor carries the slack {@code 1 - 2^-20}; so a contribution never
 * exceeds {@code C}. An example whose squared norm is NaN or infinite gets factor 0 under {@link
 * NonFiniteGradientPolicy#SKIP_EXAMPLE} and fails the batch under {@link
 * NonFiniteGradientPolicy#REJECT_BATCH}.
 *
 * @param factors one factor per example, in {@code [0, 1]}; 0 exactly for skipped examples
 * @param clipped examples whose norm exceeded the clip norm
 * @param within examples whose norm was at most the clip norm
 * @param nonFinite examples skipped because their norm was NaN or infinite
 */
record FlatFactors(float[] factors, int clipped, int within, int nonFinite) {

  /**
   * The factors for {@code squaredNorms} at clip norm {@code clipNorm} (checked by the caller).
   *
   * @param squaredNorms the per-example squared norms, computed in double
   * @param roundingTerms an upper bound on the number of rounding errors in each squared norm
   * @param clipNorm the clip norm {@code C}, positive and finite
   * @param policy what to do with a non-finite norm
   * @throws IllegalArgumentException under {@code REJECT_BATCH} when a norm is not finite, naming
   *     the first such example
   */
  static FlatFactors of(
      double[] squaredNorms, long roundingTerms, double clipNorm, NonFiniteGradientPolicy policy) {
    float[] factors = new float[squaredNorms.length];
    int clipped = 0;
    int within = 0;
    int nonFinite = 0;
    for (int i = 0; i < factors.length; i++) {
      if (!Double.isFinite(squaredNorms[i])) {
        requireSkippable(policy, i, squaredNorms[i]);
        nonFinite++;
        factors[i] = 0f;
        continue;
      }
      float factor =
          ClipRule.factor(ClipRule.normUpperBound(squaredNorms[i], roundingTerms), clipNorm);
      factors[i] = factor;
      if (factor == 1f) {
        within++;
      } else {
        clipped++;
      }
    }
    return new FlatFactors(factors, clipped, within, nonFinite);
  }

  /**
   * Applies the non-finite policy to example {@code i}: returns under {@code SKIP_EXAMPLE}, throws
   * under {@code REJECT_BATCH}.
   */
  static void requireSkippable(NonFiniteGradientPolicy policy, int i, double squaredNorm) {
    if (policy == NonFiniteGradientPolicy.REJECT_BATCH) {
      throw new IllegalArgumentException(
          "gradients must be finite (REJECT_BATCH), got a "
              + "non-finite gradient norm "
              + Math.sqrt(squaredNorm)
              + " for example "
              + i);
    }
  }
}

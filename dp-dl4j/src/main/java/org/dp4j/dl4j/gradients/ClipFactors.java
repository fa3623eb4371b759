package org.dp4j.dl4j.gradients;

import org.dp4j.training.clipping.NonFiniteGradientPolicy;

/**
 * The per-example scale factors of flat clipping, {@code c_i = min(1, C / ||g_i||)} (Abadi et al.
 * 2016, Algorithm 1), from the squared per-example gradient norms, with the counts a {@link
 * org.dp4j.training.clipping.ClippedSum} reports. Shared by the clipping methods that compute norms
 * without materialising the gradients ({@link GhostClipping}, {@link LayerwiseClipping}).
 *
 * <p>A clipped factor carries the slack {@code 1 - 2^-20}, as dp-training's {@code FlatClipper},
 * which covers the float rounding of the per-example products so that a clipped example's
 * contribution stays inside the ball of radius {@code C}. An example whose norm is NaN or infinite
 * gets factor 0 under {@link NonFiniteGradientPolicy#SKIP_EXAMPLE} (its rows must then be zeroed
 * before any product, since {@code 0 * NaN} is NaN) and fails the batch under {@link
 * NonFiniteGradientPolicy#REJECT_BATCH}.
 *
 * @param factors one factor per example, in {@code [0, 1]}
 * @param clipped examples whose norm exceeded the clip norm
 * @param within examples whose norm was at most the clip norm
 * @param nonFinite examples skipped because their norm was NaN or infinite
 */
record ClipFactors(float[] factors, int clipped, int within, int nonFinite) {

  private static final double FACTOR_SLACK = 1.0 - 0x1p-20;

  /**
   * The factors for {@code squaredNorms} at clip norm {@code clipNorm} (pre-checked positive and
   * finite).
   *
   * @throws IllegalArgumentException under {@code REJECT_BATCH} when a norm is not finite, naming
   *     the example
   */
  static ClipFactors of(double[] squaredNorms, double clipNorm, NonFiniteGradientPolicy policy) {
    float[] factors = new float[squaredNorms.length];
    int clipped = 0;
    int within = 0;
    int nonFinite = 0;
    for (int i = 0; i < factors.length; i++) {
      double norm = Math.sqrt(squaredNorms[i]);
      if (!Double.isFinite(norm)) {
        if (policy == NonFiniteGradientPolicy.REJECT_BATCH) {
          throw new IllegalArgumentException("gradients must be finite (REJECT_BATCH), got a "
              + "non-finite gradient norm " + norm + " for example " + i);
        }
        nonFinite++;
        factors[i] = 0f;
      } else if (norm > clipNorm) {
        clipped++;
        factors[i] = (float) (clipNorm / norm * FACTOR_SLACK);
      } else {
        within++;
        factors[i] = 1f;
      }
    }
    return new ClipFactors(factors, clipped, within, nonFinite);
  }

  /** The square roots of {@code squaredNorms}: the per-example gradient L2 norms. */
  static double[] norms(double[] squaredNorms) {
    double[] norms = new double[squaredNorms.length];
    for (int i = 0; i < norms.length; i++) {
      norms[i] = Math.sqrt(squaredNorms[i]);
    }
    return norms;
  }
}

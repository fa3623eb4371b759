package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.dp4j.training.internal.ClipRule;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The per-example scale factors of flat clipping, {@code c_i = min(1, C / ||g_i||)} (Abadi et al.
 * 2016, Algorithm 1), from the squared per-example gradient norms, with the counts a {@link
 * org.dp4j.training.clipping.ClippedSum} reports. Used by {@link MultiLayerClipping}, which
 * computes the norms layer by layer with its {@link LayerRule}s, without a {@code [B, P]} gradient
 * matrix.
 *
 * <p>The decision and the factor follow dp-training's rule ({@link ClipRule}, as {@code
 * FlatClipper}): the computed norm is first inflated by its floating-point error bound, an example
 * is within the norm only when that bound is at most {@code C}, and a clipped factor carries the
 * slack {@code 1 - 2^-20}, which covers the float rounding of the per-example products; so a
 * contribution never exceeds {@code C}. An example whose norm is NaN or infinite gets factor 0
 * under {@link NonFiniteGradientPolicy#SKIP_EXAMPLE} (its rows must then be zeroed before any
 * product, since {@code 0 * NaN} is NaN) and fails the batch under {@link
 * NonFiniteGradientPolicy#REJECT_BATCH}.
 *
 * @param factors one factor per example, in {@code [0, 1]}
 * @param clipped examples whose norm exceeded the clip norm
 * @param within examples whose norm was at most the clip norm
 * @param nonFinite examples skipped because their norm was NaN or infinite
 */
record ClipFactors(float[] factors, int clipped, int within, int nonFinite) {

  /**
   * The factors for {@code squaredNorms} at clip norm {@code clipNorm} (pre-checked positive and
   * finite).
   *
   * <p>{@code roundingTerms} bounds the number of rounding errors in each squared norm, as {@link
   * ClipRule#normUpperBound(double, long)} needs. The ghost norms {@code sum over layers of
   * (||a||^2 + [bias]) ||delta||^2} and the per-example convolution norms have at most {@code n_a +
   * n_d + 2} per layer ({@code n_a} and {@code n_d} the entries of {@code a} and {@code delta}, or
   * the layer's weight-gradient entries) plus one per layer for the sum over layers; the network's
   * parameter count plus its number of layer rules bounds that, since {@code (n_a + 1) n_d >= n_a +
   * n_d}.
   *
   * @param roundingTerms the network's parameter count plus its number of layer rules
   * @throws IllegalArgumentException under {@code REJECT_BATCH} when a norm is not finite, naming
   *     the example
   */
  static ClipFactors of(
      double[] squaredNorms, double clipNorm, NonFiniteGradientPolicy policy, long roundingTerms) {
    float[] factors = new float[squaredNorms.length];
    int clipped = 0;
    int within = 0;
    int nonFinite = 0;
    for (int i = 0; i < factors.length; i++) {
      double norm = Math.sqrt(squaredNorms[i]);
      if (!Double.isFinite(norm)) {
        if (policy == NonFiniteGradientPolicy.REJECT_BATCH) {
          throw new IllegalArgumentException(
              "gradients must be finite (REJECT_BATCH), got a "
                  + "non-finite gradient norm "
                  + norm
                  + " for example "
                  + i);
        }
        nonFinite++;
        factors[i] = 0f;
      } else {
        float factor =
            ClipRule.factor(ClipRule.normUpperBound(squaredNorms[i], roundingTerms), clipNorm);
        factors[i] = factor;
        if (factor == 1f) {
          within++;
        } else {
          clipped++;
        }
      }
    }
    return new ClipFactors(factors, clipped, within, nonFinite);
  }

  /** Factor 1 for each of {@code batch} examples: the plain, unclipped sum. */
  static ClipFactors unclipped(int batch) {
    float[] ones = new float[batch];
    Arrays.fill(ones, 1f);
    return new ClipFactors(ones, 0, batch, 0);
  }

  /** The factors as a {@code [B, 1]} column of {@code type}. */
  INDArray column(DataType type) {
    return Nd4j.createFromArray(factors).reshape(factors.length, 1).castTo(type);
  }

  /**
   * Zeroes row {@code i} of {@code rows} for every example skipped as non-finite (factor 0), so
   * that it contributes exactly zero: {@code 0 * NaN} is NaN. Does nothing when none was skipped.
   */
  void zeroSkippedRows(INDArray rows) {
    if (nonFinite == 0) {
      return;
    }
    for (int i = 0; i < factors.length; i++) {
      if (factors[i] == 0f) {
        rows.getRow(i).assign(0);
      }
    }
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

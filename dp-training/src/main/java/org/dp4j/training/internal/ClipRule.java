package org.dp4j.training.internal;

/**
 * The pessimistic clipping rule of every clipper (the flat clippers' per-example factors, whatever
 * computed the norms, and the per-layer kernel's per-block factors), so that a contribution never
 * exceeds the clip norm {@code C}. Not public API.
 *
 * <p>A squared norm computed in floating point is first inflated to an upper bound on the true norm
 * ({@link #normUpperBound(double, long)}); a row is inside the ball only when that bound is at most
 * {@code C}, and otherwise scaled by {@code C / bound * (1 - 2^-20)} ({@link #factor(double,
 * double)}), where the slack absorbs the rounding of the division, of the float conversion of the
 * factor and of each float product ({@code 2^-24} each).
 */
public final class ClipRule {

  /** The unit roundoff of double, {@code 2^-53}. */
  private static final double U = 0x1p-53;

  /** Slack on clipped factors: covers three float/double roundings (each at most 2^-24). */
  private static final double FACTOR_SLACK = 1.0 - 0x1p-20;

  private ClipRule() {}

  /**
   * An upper bound on the true L2 norm given {@code sumSq}, a floating-point sum of {@code terms}
   * non-negative terms each computed with relative error at most {@code u} (exact squares of floats
   * have none): any order of summing {@code n} non-negative doubles has relative error at most
   * {@code (n - 1) u} (Higham 2002, "Accuracy and Stability of Numerical Algorithms", §4.2), and
   * the bound allows {@code 2 (terms + 2) u}, then the square root's rounding.
   *
   * @param sumSq the computed squared norm, finite and {@code >= 0}
   * @param terms an upper bound on the number of rounding errors in {@code sumSq}
   * @return a norm at least the true one
   */
  public static double normUpperBound(double sumSq, long terms) {
    double inflated = sumSq * (1.0 + 2.0 * (terms + 2) * U);
    return Math.sqrt(inflated) * (1.0 + 2.0 * U);
  }

  /**
   * The clip factor: 1 when {@code normUpper <= clipNorm} (the row is added unchanged), else the
   * pessimistically rounded down-scaling factor {@code clipNorm / normUpper * (1 - 2^-20)}.
   *
   * @param normUpper an upper bound on the row's norm ({@link #normUpperBound(double, long)})
   * @param clipNorm the clip norm {@code C}, positive and finite
   * @return a factor in {@code (0, 1]}
   */
  public static float factor(double normUpper, double clipNorm) {
    if (normUpper <= clipNorm) {
      return 1.0f;
    }
    return (float) (clipNorm / normUpper * FACTOR_SLACK);
  }
}

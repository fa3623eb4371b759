package org.dp4j.training.clipping;

import org.dp4j.core.internal.Checks;

/**
 * Flat (global L2) clipping: each example's whole gradient {@code g} (all blocks together) is
 * replaced by {@code g * min(1, C / ||g||_2)} (Abadi et al. 2016, Algorithm 1), rounded so the
 * result's norm never exceeds {@code C} (see the package documentation). The clipped sum's L2
 * sensitivity under add/remove-one is {@code C}.
 *
 * <p>Immutable and thread-safe.
 */
public final class FlatClipper implements PerExampleClipper {

  private final double clipNorm;
  private final NonFiniteGradientPolicy nonFinitePolicy;

  private FlatClipper(double clipNorm, NonFiniteGradientPolicy nonFinitePolicy) {
    this.clipNorm = Checks.positiveFinite("clipNorm", clipNorm);
    this.nonFinitePolicy = Checks.notNull("nonFinitePolicy", nonFinitePolicy);
  }

  /**
   * A flat clipper that skips non-finite examples.
   *
   * @param clipNorm the L2 bound {@code C}, positive and finite (NaN rejected)
   * @return the clipper
   * @throws IllegalArgumentException for a bad clip norm
   */
  public static FlatClipper of(double clipNorm) {
    return new FlatClipper(clipNorm, NonFiniteGradientPolicy.SKIP_EXAMPLE);
  }

  /**
   * A flat clipper with the given non-finite policy.
   *
   * @param clipNorm the L2 bound {@code C}, positive and finite
   * @param nonFinitePolicy what to do with NaN or infinite examples, not null
   * @return the clipper
   */
  public static FlatClipper of(double clipNorm, NonFiniteGradientPolicy nonFinitePolicy) {
    return new FlatClipper(clipNorm, nonFinitePolicy);
  }

  /** The clip norm {@code C}. */
  public double clipNorm() {
    return clipNorm;
  }

  @Override
  public ClippedSum clipAndSum(PerExampleGradients gradients) {
    Checks.notNull("gradients", gradients);
    return ClipSumKernel.clipAndSum(gradients, new double[] {clipNorm}, nonFinitePolicy, clipNorm);
  }

  @Override
  public double l2Sensitivity() {
    return clipNorm;
  }

  @Override
  public NonFiniteGradientPolicy nonFinitePolicy() {
    return nonFinitePolicy;
  }

  @Override
  public String toString() {
    return "FlatClipper[clipNorm=" + clipNorm + ", nonFinitePolicy=" + nonFinitePolicy + "]";
  }
}

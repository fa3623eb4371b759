package org.dp4j.training.clipping;

import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Flat (global L2) clipping: each example's whole gradient {@code g} (all blocks together) is
 * replaced by {@code g * min(1, C / ||g||_2)} (Abadi et al. 2016, Algorithm 1), rounded so the
 * result's norm never exceeds {@code C} (see the package documentation). The clipped sum's L2
 * sensitivity under add/remove-one is {@code C}.
 *
 * <p>{@link PerExampleGradients} take the two-pass clip-and-sum kernel; any other {@link
 * ClippableGradients} (ghost clipping) give their squared norms, the factors follow the same rule
 * ({@link FlatFactors}), and they form the weighted sum.
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

  /** {@return the clip norm {@code C}} */
  public double clipNorm() {
    return clipNorm;
  }

  @Override
  public ClippedSum clipAndSum(ClippableGradients gradients) {
    Checks.notNull("gradients", gradients);
    if (gradients instanceof PerExampleGradients inMemory) {
      return ClipSumKernel.clipAndSum(inMemory, new double[] {clipNorm}, nonFinitePolicy, clipNorm);
    }
    int batch = gradients.batchSize();
    double[] squaredNorms = gradients.squaredNorms();
    Checks.require(
        squaredNorms.length == batch,
        "gradients.squaredNorms().length",
        "equal to the batch size " + batch,
        squaredNorms.length);
    FlatFactors factors =
        FlatFactors.of(
            squaredNorms, gradients.squaredNormRoundingTerms(), clipNorm, nonFinitePolicy);
    INDArray sum = gradients.weightedSum(factors.factors());
    Checks.require(
        sum.length() == gradients.parameterCount(),
        "gradients.weightedSum length",
        "equal to the parameter count " + gradients.parameterCount(),
        sum.length());
    return ClippedSum.builder()
        .sum(sum)
        .l2Sensitivity(clipNorm)
        .batchSize(batch)
        .clippedCount(factors.clipped())
        .withinNormCount(factors.within())
        .nonFiniteCount(factors.nonFinite())
        .build();
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

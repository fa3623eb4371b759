package org.dp4j.training.clipping;

import java.util.Arrays;
import org.dp4j.core.internal.Checks;

/**
 * Per-layer clipping: block {@code k} of each example (one block per layer or parameter, see {@link
 * PerExampleGradients}) is clipped to its own L2 bound {@code C_k}, independently of the other
 * blocks (McMahan et al. 2018, "Learning Differentially Private Recurrent Language Models", §3
 * "per-layer clipping").
 *
 * <p><b>Sensitivity.</b> One example's clipped contribution is a concatenation of blocks with norms
 * at most {@code C_k}, so its L2 norm is at most {@code sqrt(sum_k C_k^2)}: that is the clipped
 * sum's sensitivity under add/remove-one, and the Gaussian noise must be scaled by it. With one
 * block this is exactly flat clipping.
 *
 * <p>Immutable and thread-safe.
 */
public final class PerLayerClipper implements PerExampleClipper {

  private final double[] clipNorms;
  private final double l2Sensitivity;
  private final NonFiniteGradientPolicy nonFinitePolicy;

  private PerLayerClipper(double[] clipNorms, NonFiniteGradientPolicy nonFinitePolicy) {
    Checks.notNull("clipNorms", clipNorms);
    Checks.require(clipNorms.length > 0, "clipNorms.length", "positive", clipNorms.length);
    double[] copy = clipNorms.clone();
    double sumSquares = 0;
    for (int k = 0; k < copy.length; k++) {
      Checks.positiveFinite("clipNorms[" + k + "]", copy[k]);
      sumSquares += copy[k] * copy[k];
    }
    Checks.require(
        sumSquares < Double.POSITIVE_INFINITY, "sum of clipNorms[k]^2", "finite", sumSquares);
    this.clipNorms = copy;
    // Rounded up by one ulp: the reported sensitivity must not be below the true bound.
    this.l2Sensitivity =
        copy.length == 1 ? copy[0] : Math.nextUp(Math.sqrt(sumSquares * (1 + 0x1p-50)));
    this.nonFinitePolicy = Checks.notNull("nonFinitePolicy", nonFinitePolicy);
  }

  /**
   * A per-layer clipper that skips non-finite examples.
   *
   * @param clipNorms one positive, finite bound per block, in block order
   * @return the clipper
   * @throws IllegalArgumentException for an empty array or a bad bound (naming its index)
   */
  public static PerLayerClipper of(double... clipNorms) {
    return new PerLayerClipper(clipNorms, NonFiniteGradientPolicy.SKIP_EXAMPLE);
  }

  /**
   * A per-layer clipper with the given non-finite policy.
   *
   * @param nonFinitePolicy what to do with NaN or infinite examples, not null
   * @param clipNorms one positive, finite bound per block, in block order
   * @return the clipper
   */
  public static PerLayerClipper of(NonFiniteGradientPolicy nonFinitePolicy, double... clipNorms) {
    return new PerLayerClipper(clipNorms, nonFinitePolicy);
  }

  /** {@return the clip norms, one per block (a copy)} */
  public double[] clipNorms() {
    return clipNorms.clone();
  }

  /** {@return the number of blocks this clipper expects} */
  public int blockCount() {
    return clipNorms.length;
  }

  @Override
  public ClippedSum clipAndSum(ClippableGradients clippable) {
    Checks.notNull("gradients", clippable);
    Checks.require(
        clippable instanceof PerExampleGradients,
        "gradients",
        "PerExampleGradients (per-layer clipping reads each block)",
        clippable.getClass().getSimpleName());
    PerExampleGradients gradients = (PerExampleGradients) clippable;
    Checks.require(
        gradients.blockCount() == clipNorms.length,
        "gradients.blockCount()",
        "equal to the number of clip norms " + clipNorms.length,
        gradients.blockCount());
    return ClipSumKernel.clipAndSum(gradients, clipNorms, nonFinitePolicy, l2Sensitivity);
  }

  @Override
  public double l2Sensitivity() {
    return l2Sensitivity;
  }

  @Override
  public NonFiniteGradientPolicy nonFinitePolicy() {
    return nonFinitePolicy;
  }

  @Override
  public String toString() {
    return "PerLayerClipper[clipNorms="
        + Arrays.toString(clipNorms)
        + ", l2Sensitivity="
        + l2Sensitivity
        + ", nonFinitePolicy="
        + nonFinitePolicy
        + "]";
  }
}

package org.dp4j.training.clipping;

import org.dp4j.core.internal.Checks;
import org.dp4j.training.noise.GradientNoise;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The clipping phase of one step of adaptive clipping ({@link AdaptiveClipping}): flat clipping at
 * this step's clip norm, the noise split that pays for the count, and the step to the next clip
 * norm ({@link #next}), which returns a new clipper. Immutable and thread-safe; created by {@link
 * AdaptiveClipping#clipper(NonFiniteGradientPolicy)}.
 */
public final class AdaptiveClipper implements PerExampleClipper {

  private final AdaptiveClipping settings;
  private final FlatClipper flat;

  AdaptiveClipper(
      AdaptiveClipping settings, double clipNorm, NonFiniteGradientPolicy nonFinitePolicy) {
    this.settings = Checks.notNull("settings", settings);
    this.flat = FlatClipper.of(clipNorm, nonFinitePolicy);
  }

  /** {@return the adaptive clipping settings} */
  public AdaptiveClipping settings() {
    return settings;
  }

  /** {@return this step's flat clip norm} */
  public double clipNorm() {
    return flat.clipNorm();
  }

  @Override
  public ClippedSum clipAndSum(ClippableGradients gradients) {
    return flat.clipAndSum(gradients);
  }

  @Override
  public double l2Sensitivity() {
    return flat.clipNorm();
  }

  @Override
  public NonFiniteGradientPolicy nonFinitePolicy() {
    return flat.nonFinitePolicy();
  }

  /** {@link AdaptiveClipping#gradientNoiseMultiplier(double)}: more noise pays for the count. */
  @Override
  public double gradientNoiseMultiplier(double accountedNoiseMultiplier) {
    return settings.gradientNoiseMultiplier(accountedNoiseMultiplier);
  }

  /**
   * Releases the noisy centred count {@code R = sum_i (b_i - 1/2) + N(0, countNoiseStd^2)} of the
   * examples within this step's norm and returns the clipper at the moved norm ({@link
   * AdaptiveClipping#nextClipNorm}). The count's cost is inside the step's event (see {@link
   * AdaptiveClipping}).
   */
  @Override
  public AdaptiveClipper next(ClippedSum clipped, GradientNoise noise, double expectedBatchSize) {
    Checks.notNull("clipped", clipped);
    Checks.notNull("noise", noise);
    INDArray count =
        Nd4j.createFromArray(new double[] {clipped.withinNormCount() - 0.5 * clipped.batchSize()});
    noise.addNoise(count, settings.countNoiseStd());
    double next = settings.nextClipNorm(clipNorm(), count.getDouble(0), expectedBatchSize);
    return new AdaptiveClipper(settings, next, nonFinitePolicy());
  }

  /** A clipper at the checkpoint's clip norm (positive and finite). */
  @Override
  public AdaptiveClipper resumedAt(double clipNorm) {
    return new AdaptiveClipper(
        settings, Checks.positiveFinite("checkpoint.clipNorm", clipNorm), nonFinitePolicy());
  }

  @Override
  public String toString() {
    return "AdaptiveClipper[clipNorm="
        + clipNorm()
        + ", "
        + settings
        + ", nonFinitePolicy="
        + nonFinitePolicy()
        + "]";
  }
}

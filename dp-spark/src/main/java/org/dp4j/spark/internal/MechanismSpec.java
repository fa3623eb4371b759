package org.dp4j.spark.internal;

import java.io.Serializable;
import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.calibration.GaussianCalibration;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.GaussianMechanism;
import org.dp4j.mechanisms.LaplaceMechanism;
import org.dp4j.mechanisms.NoiseMechanism;
import org.dp4j.mechanisms.aggregation.NoiseKind;
import org.dp4j.mechanisms.testing.SeededNoise;

/**
 * How every executor builds the floating-point-safe mechanism of one part: the arguments to pass to
 * {@link GaussianMechanism#of(PrivacyBudget, double, UniformRandomProvider)} or {@link
 * LaplaceMechanism#of(PrivacyBudget, double, UniformRandomProvider)}, found on the driver so that
 * the mechanism is at least as noisy as the calibrated noise multiplier {@code z} claims.
 *
 * <p><b>Why a search.</b> dp4j's mechanisms are calibrated from a budget, not from a noise
 * multiplier, and they round inputs to a power-of-two grid {@code g}. A part is a vector over
 * groups in which one unit changes at most {@code c = K} coordinates, each rounding adding up to
 * one grid step: the shift in grid steps is at most {@code Δ/g + sqrt(c)} (L2) or {@code Δ/g + c}
 * (L1). The claim {@code GaussianEvent(z)} (or {@code EpsilonDeltaEvent.pure(1/z)} for Laplace)
 * holds when the discrete noise parameter in steps is at least {@code z} times that shift; {@link
 * #forGaussian} and {@link #forLaplace} pass a sensitivity inflated by 2^-20 and verify the built
 * mechanism's {@code sigma()} (or {@code scale()}) and {@code granularity()}, with a further
 * relative 2^-40 so that an executor whose {@code Math.exp}/{@code log} differ in the last bit
 * still meets the claim; executors verify it again ({@link #build}).
 *
 * @param kind Gaussian or Laplace
 * @param epsilon the epsilon of the budget passed to the mechanism
 * @param delta the delta of the budget passed (0 for Laplace)
 * @param sensitivity the sensitivity passed, in units (inflated)
 * @param minimumScale the smallest sigma (Gaussian) or Laplace scale the claim needs, in units
 * @param granularity the grid step the driver's mechanism used, in units
 * @param scale the driver's sigma or scale, in units
 */
public record MechanismSpec(
    NoiseKind kind,
    double epsilon,
    double delta,
    double sensitivity,
    double minimumScale,
    double granularity,
    double scale)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final double CLAIM_MARGIN = 1 + 0x1.0p-40;
  private static final int ATTEMPTS = 12;

  /**
   * The Gaussian mechanism that adds noise of at least {@code z} times the shift.
   *
   * @param z the noise multiplier claimed, positive and finite
   * @param l2Sensitivity the part's L2 sensitivity in units, positive and finite
   * @param changedCoordinates how many groups one unit changes at most (K)
   * @return the spec
   */
  public static MechanismSpec forGaussian(double z, double l2Sensitivity, int changedCoordinates) {
    Checks.positiveFinite("noise multiplier", z);
    Checks.positiveFinite("l2Sensitivity", l2Sensitivity);
    double rootC = Math.sqrt(changedCoordinates);
    double requested = z * (1 + 0x1.0p-30);
    double passed = l2Sensitivity * (1 + 0x1.0p-20);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      double eps = 1.0 / (2.0 * requested * requested);
      double del = GaussianCalibration.delta(new GaussianEvent(requested), eps);
      if (!(del > 0 && del < 1)) {
        throw new IllegalArgumentException(
            "noise multiplier "
                + z
                + " is outside the range a Gaussian mechanism can be built for");
      }
      GaussianMechanism m =
          GaussianMechanism.of(PrivacyBudget.approximate(eps, del), passed, SeededNoise.uniform(0));
      double needed = z * (l2Sensitivity + rootC * m.granularity()) * CLAIM_MARGIN;
      if (m.sigma() >= needed) {
        return new MechanismSpec(
            NoiseKind.GAUSSIAN, eps, del, passed, needed, m.granularity(), m.sigma());
      }
      passed += 2 * rootC * m.granularity() + (needed - m.sigma()) / z;
      requested *= 1 + 0x1.0p-20;
    }
    throw new IllegalStateException(
        "no Gaussian mechanism found with noise multiplier "
            + z
            + " for sensitivity "
            + l2Sensitivity);
  }

  /**
   * The Laplace mechanism whose scale is at least {@code z} times the L1 shift (so it is {@code
   * 1/z}-DP for the whole part).
   *
   * @param z the noise multiplier claimed (Laplace scale over L1 sensitivity)
   * @param l1Sensitivity the part's L1 sensitivity in units
   * @param changedCoordinates how many groups one unit changes at most (K)
   * @return the spec
   */
  public static MechanismSpec forLaplace(double z, double l1Sensitivity, int changedCoordinates) {
    Checks.positiveFinite("noise multiplier", z);
    Checks.positiveFinite("l1Sensitivity", l1Sensitivity);
    double eps = 1.0 / z;
    double passed = l1Sensitivity * (1 + 0x1.0p-20);
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      LaplaceMechanism m =
          LaplaceMechanism.of(PrivacyBudget.pure(eps), passed, SeededNoise.uniform(0));
      double needed = z * (l1Sensitivity + changedCoordinates * m.granularity()) * CLAIM_MARGIN;
      if (m.scale() >= needed) {
        return new MechanismSpec(
            NoiseKind.LAPLACE, eps, 0.0, passed, needed, m.granularity(), m.scale());
      }
      passed += 2 * changedCoordinates * m.granularity() + (needed - m.scale()) / z;
    }
    throw new IllegalStateException(
        "no Laplace mechanism found with noise multiplier "
            + z
            + " for sensitivity "
            + l1Sensitivity);
  }

  /**
   * Builds the mechanism on {@code random} and checks that it is the one the driver verified.
   *
   * @param random the executor's source
   * @return the mechanism
   * @throws IllegalStateException when this JVM's mechanism is less noisy than claimed (the task
   *     fails; nothing is released)
   */
  public NoiseMechanism build(UniformRandomProvider random) {
    double builtScale;
    double builtGranularity;
    NoiseMechanism m;
    if (kind == NoiseKind.GAUSSIAN) {
      GaussianMechanism g =
          GaussianMechanism.of(PrivacyBudget.approximate(epsilon, delta), sensitivity, random);
      builtScale = g.sigma();
      builtGranularity = g.granularity();
      m = g;
    } else {
      LaplaceMechanism l = LaplaceMechanism.of(PrivacyBudget.pure(epsilon), sensitivity, random);
      builtScale = l.scale();
      builtGranularity = l.granularity();
      m = l;
    }
    if (!(builtScale >= minimumScale / CLAIM_MARGIN) || builtGranularity != granularity) {
      throw new IllegalStateException(
          "this JVM built a "
              + kind
              + " mechanism with scale "
              + builtScale
              + " and grid "
              + builtGranularity
              + ", the driver verified "
              + scale
              + " and "
              + granularity
              + "; refusing to release");
    }
    return m;
  }
}

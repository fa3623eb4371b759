package org.dp4j.mechanisms;

import org.apache.commons.math3.special.Erf;
import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.calibration.GaussianCalibration;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.random.AesCtrRandom;
import org.dp4j.mechanisms.sampling.DiscreteGaussianSampler;

/**
 * The Gaussian mechanism for a real-valued query of L2 sensitivity {@code Δ}, calibrated with the
 * analytic Gaussian mechanism (Balle &amp; Wang 2018, via {@link
 * GaussianCalibration#analyticSigma(PrivacyBudget, double)}) and made safe against floating-point
 * attacks.
 *
 * <h2>The attack</h2>
 *
 * <p>A Gaussian sampled in floating point (Box-Muller, polar, ziggurat) and added to {@code x} has
 * an input-dependent set of reachable doubles, like the naive Laplace (Mironov 2012); Jin et al.
 * (2022) show practical attacks of this kind on Gaussian samplers of deployed libraries.
 *
 * <h2>The defence</h2>
 *
 * <ol>
 *   <li>Granularity {@code g = 2^k} about 2^-40 of the analytic sigma ({@link #granularity()}).
 *   <li>Exact rounding {@code n = rint(x / g)}; neighbouring indices differ by at most {@code D =
 *       floor(Δ/g) + 1}.
 *   <li>{@code sigma_g = analyticSigma((ε, δ (1 - 2^-20)), D)} in grid steps, and an exactly
 *       sampled discrete Gaussian {@code K} with that parameter (Canonne, Kamath &amp; Steinke
 *       2020, Algorithm 3); the output is {@code g * (n + K)}, computed in exact integer
 *       arithmetic.
 * </ol>
 *
 * <p><b>Privacy statement.</b> The discrete Gaussian with parameter {@code sigma_g} on integer
 * shifts of at most {@code D} is {@code D^2 / (2 sigma_g^2)}-zCDP, exactly as the continuous one
 * (CKS 2020, Thm. 4), so every Renyi-DP bound of {@link #event()} holds rigorously. Its (ε, δ)
 * curve equals the continuous Gaussian's up to the error of replacing sums over the integers by
 * integrals, which at {@code sigma_g >= 2^36} grid steps is below 2^-30 relative
 * (Euler-Maclaurin/Poisson summation; CKS 2020 Sec. 4 compare the two numerically); the calibration
 * absorbs it with the relative 2^-20 margin on δ. {@link #event()} is {@code GaussianEvent(sigma_g
 * / D)}, stated for the filter's relation (below).
 *
 * <p><b>Neighbouring relation.</b> The sensitivity is the caller's statement about the query under
 * the relation of the filter (or accountant) the releases are charged to: for a sum of vectors of
 * norm at most {@code C} it is {@code C} under {@code ADD_OR_REMOVE_ONE} and {@code 2C} under
 * {@code REPLACE_ONE}. So {@link #event()} is {@code
 * PerRelationEvent.sameForBoth(GaussianEvent(sigma_g / D))}: the exact cost under whichever
 * relation the accountant uses, which it does not rescale (a plain {@code GaussianEvent} would be
 * halved under {@code REPLACE_ONE}). {@link #noiseMultiplierFor(double)} gives the multiplier on a
 * query of another sensitivity, for a caller who knows the sensitivity under each relation.
 *
 * <p><b>Randomness.</b> {@link #of(PrivacyBudget, double)} uses a new {@link AesCtrRandom}. Not
 * thread-safe. The classic {@code sqrt(2 ln(1.25/δ))/ε} calibration is never used.
 */
public final class GaussianMechanism implements NoiseMechanism {

  /** Noise standard deviation in grid steps: the granularity is about 2^-40 of sigma. */
  private static final int GRID_STEPS_PER_SIGMA_LOG2 = 40;

  /**
   * Largest sensitivity in grid steps, 2^50, so {@code D} is exact and sigma_g stays below 2^52.
   */
  private static final int MAX_SENSITIVITY_STEPS_LOG2 = 50;

  /** Relative margin on delta covering the discrete-vs-continuous difference: 2^-20. */
  private static final double DELTA_MARGIN = 0x1.0p-20;

  private final PrivacyBudget budget;
  private final double l2Sensitivity;
  private final PowerOfTwoGrid grid;
  private final double sensitivityInSteps;
  private final double sigmaInSteps;
  private final DiscreteGaussianSampler sampler;

  private GaussianMechanism(
      PrivacyBudget budget, double l2Sensitivity, UniformRandomProvider random) {
    this.budget = budget;
    this.l2Sensitivity = l2Sensitivity;
    double sigma = GaussianCalibration.analyticSigma(budget, l2Sensitivity);
    Checks.require(
        sigma < Double.POSITIVE_INFINITY
            && Math.getExponent(sigma) - GRID_STEPS_PER_SIGMA_LOG2 >= PowerOfTwoGrid.MIN_EXPONENT,
        "l2Sensitivity",
        "small enough for a finite analytic sigma (at most Double.MAX_VALUE / "
            + GaussianCalibration.noiseMultiplier(budget)
            + ")",
        l2Sensitivity);
    int exponent =
        Math.max(
            Math.getExponent(sigma) - GRID_STEPS_PER_SIGMA_LOG2,
            Math.getExponent(l2Sensitivity) - MAX_SENSITIVITY_STEPS_LOG2);
    this.grid = PowerOfTwoGrid.ofExponent(exponent);
    this.sensitivityInSteps = Math.floor(Math.scalb(l2Sensitivity, -exponent)) + 1;
    PrivacyBudget withMargin =
        PrivacyBudget.approximate(budget.epsilon(), budget.delta() * (1 - DELTA_MARGIN));
    this.sigmaInSteps =
        Math.nextUp(GaussianCalibration.analyticSigma(withMargin, sensitivityInSteps));
    Checks.require(
        sigmaInSteps <= DiscreteGaussianSampler.MAX_SIGMA,
        "sigma in grid steps",
        "at most 2^52",
        sigmaInSteps);
    this.sampler = DiscreteGaussianSampler.of(sigmaInSteps, random);
  }

  /**
   * A Gaussian mechanism drawing from a new secure source ({@link AesCtrRandom}).
   *
   * @param budget epsilon finite and {@code >= 0}, delta in {@code (0, 1)}
   * @param l2Sensitivity the query's L2 sensitivity under the caller's neighbouring relation,
   *     positive and finite
   * @return the mechanism
   * @throws IllegalArgumentException when delta is 0 or the sensitivity is NaN, infinite, zero or
   *     negative
   */
  public static GaussianMechanism of(PrivacyBudget budget, double l2Sensitivity) {
    checkArguments(budget, l2Sensitivity);
    return new GaussianMechanism(budget, l2Sensitivity, AesCtrRandom.fromOperatingSystem());
  }

  /**
   * A Gaussian mechanism drawing from {@code random}; only private if it is cryptographically
   * secure.
   *
   * @param budget epsilon finite and {@code >= 0}, delta in {@code (0, 1)}
   * @param l2Sensitivity the query's L2 sensitivity under the caller's neighbouring relation,
   *     positive and finite
   * @param random the uniform source the noise is drawn from, not null
   * @return the mechanism
   * @see #of(PrivacyBudget, double)
   */
  public static GaussianMechanism of(
      PrivacyBudget budget, double l2Sensitivity, UniformRandomProvider random) {
    checkArguments(budget, l2Sensitivity);
    return new GaussianMechanism(budget, l2Sensitivity, Checks.notNull("random", random));
  }

  private static void checkArguments(PrivacyBudget budget, double l2Sensitivity) {
    Checks.notNull("budget", budget);
    Checks.require(
        budget.delta() > 0, "budget.delta", "positive for the Gaussian mechanism", budget.delta());
    Checks.positiveFinite("l2Sensitivity", l2Sensitivity);
  }

  /** {@inheritDoc} The output is a multiple of {@link #granularity()}. */
  @Override
  public double addNoise(double value) {
    Checks.finite("value", value);
    return grid.addNoise(value, sampler.sample());
  }

  /**
   * {@code PerRelationEvent.sameForBoth(GaussianEvent(sigma_g / D))}: the noise multiplier relative
   * to the grid-inflated sensitivity, stated under whichever relation the accountant uses (see the
   * class documentation); the multiplier is rounded down.
   */
  @Override
  public PrivacyEvent event() {
    return PerRelationEvent.sameForBoth(new GaussianEvent(noiseMultiplierFor(l2Sensitivity)));
  }

  /**
   * The noise multiplier of one release on a query whose L2 sensitivity is {@code l2Sensitivity}
   * (the noise stays the one calibrated at construction): {@code sigma_g / D(s)}, with {@code D(s)
   * = floor(s / g) + 1} the grid shift of an input moved by at most {@code s}, rounded down (a
   * smaller multiplier is the pessimistic side).
   *
   * @param l2Sensitivity the query's L2 sensitivity, positive and finite
   * @return the multiplier, positive (0 when the shift exceeds the double range)
   * @throws IllegalArgumentException when the sensitivity is not positive and finite (NaN included)
   */
  public double noiseMultiplierFor(double l2Sensitivity) {
    Checks.positiveFinite("l2Sensitivity", l2Sensitivity);
    double steps = grid.shiftInSteps(l2Sensitivity);
    double quotient = sigmaInSteps / steps;
    return Math.fma(quotient, steps, -sigmaInSteps) > 0 ? Math.nextDown(quotient) : quotient;
  }

  /** {@return the grid step {@code g}, a power of two; every output is a multiple of it} */
  public double granularity() {
    return grid.granularity();
  }

  /**
   * {@return the noise standard deviation parameter actually used, in the query's units: {@code
   * sigma_g * g}}
   */
  public double sigma() {
    return sigmaInSteps * grid.granularity();
  }

  /** {@return the budget this mechanism was calibrated for} */
  public PrivacyBudget budget() {
    return budget;
  }

  /** {@return the L2 sensitivity this mechanism was calibrated for} */
  public double l2Sensitivity() {
    return l2Sensitivity;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Half-width {@code (ceil(z sigma_g) + 3/2) g} with {@code z} the normal quantile at {@code 1
   * - (1 - level)/2}; the discrete Gaussian's tails at {@code sigma_g >= 2^36} match the continuous
   * ones to within one grid step, covered by the extra step, and the half step covers the rounding
   * of the true value.
   */
  @Override
  public ConfidenceInterval confidenceInterval(double noisyValue, double confidenceLevel) {
    Checks.finite("noisyValue", noisyValue);
    Checks.require(
        confidenceLevel > 0 && confidenceLevel < 1,
        "confidenceLevel",
        "in (0, 1)",
        confidenceLevel);
    double z = Math.sqrt(2.0) * Erf.erfcInv(1.0 - confidenceLevel);
    double halfWidth = (Math.ceil(Math.nextUp(z * sigmaInSteps)) + 1.5) * grid.granularity();
    return new ConfidenceInterval(
        Math.nextDown(noisyValue - halfWidth),
        Math.nextUp(noisyValue + halfWidth),
        confidenceLevel);
  }

  @Override
  public String toString() {
    return "GaussianMechanism[budget="
        + budget
        + ", l2Sensitivity="
        + l2Sensitivity
        + ", sigma="
        + sigma()
        + ", granularity="
        + granularity()
        + "]";
  }
}

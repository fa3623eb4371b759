package org.dp4j.mechanisms;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.random.AesCtrRandom;
import org.dp4j.mechanisms.sampling.DiscreteLaplaceSampler;

/**
 * The Laplace mechanism for a real-valued query of L1 sensitivity {@code Δ}, made safe against
 * floating-point attacks: epsilon-DP (Dwork, McSherry, Nissim &amp; Smith 2006) in the form that
 * survives an implementation on doubles.
 *
 * <h2>The attack</h2>
 *
 * <p>The textbook implementation {@code x + b * sign * log(u)} with a uniform double {@code u}
 * produces only some doubles, and <em>which</em> doubles depends on {@code x}: many outputs of
 * {@code M(x)} can never come out of {@code M(x')}, so one output often reveals which input was
 * used (Mironov 2012, "On significance of the least significant bits for differential privacy";
 * later variants for Gaussian samplers and for the grid-free "snapping" fix: Jin et al. 2022, "Are
 * we there yet? Timing and floating-point attacks on differential privacy systems"; Casacuberta et
 * al. 2022, "Widespread underestimation of sensitivity in differentially private libraries and how
 * to fix it").
 *
 * <h2>The defence</h2>
 *
 * <ol>
 *   <li>Pick a power-of-two granularity {@code g = 2^k} about 2^-40 of the sensitivity (coarser
 *       only when the noise scale would exceed 2^51 steps, for epsilon below 2^-10) ({@link
 *       #granularity()}).
 *   <li>Round the input to the grid exactly: {@code n = rint(x / g)} (division by a power of two is
 *       exact). Rounding moves each input by at most {@code g/2}, so neighbouring grid indices
 *       differ by at most {@code D = floor(Δ/g) + 1}.
 *   <li>Add an exactly sampled discrete Laplace integer {@code K} with scale {@code t = ceil(D /
 *       ε)} (Canonne, Kamath &amp; Steinke 2020, Algorithm 2; no floating point involved), in exact
 *       integer arithmetic, and return {@code g * (n + K)}.
 * </ol>
 *
 * <p>The output is a deterministic function of {@code n + K}; the discrete Laplace with scale
 * {@code t} on integer shifts of at most {@code D} is {@code D / t <= ε}-DP (Ghosh, Roughgarden
 * &amp; Sundararajan 2009), so the mechanism is ε-DP exactly as claimed, with every rounding on the
 * private side. This follows Google's differential-privacy library ("Secure noise generation",
 * which likewise rounds to a power-of-two grid and inflates the sensitivity by one grid step).
 *
 * <p><b>Event.</b> {@link #event()} is {@code EpsilonDeltaEvent.pure(ε)}, not a {@code
 * LaplaceEvent}: with shift 1 the discrete Laplace is exactly the worst-case ε-DP mechanism
 * (randomized response on {@code K <= 0}), so Laplace-specific composition bounds are not claimed
 * for it.
 *
 * <p><b>Neighbouring relation.</b> The sensitivity is the caller's statement about the query under
 * the relation of the filter (or accountant) the releases are charged to: for a sum of values in
 * {@code [-1, 1]} it is 1 under {@code ADD_OR_REMOVE_ONE} and 2 under {@code REPLACE_ONE}. An
 * {@code EpsilonDeltaEvent} is read as stated under the accountant's relation, so the event is the
 * exact cost under that relation. {@link #epsilonFor(double)} gives the cost on a query of another
 * sensitivity, for a caller who knows the sensitivity under each relation (see {@code
 * PerRelationEvent}).
 *
 * <p><b>Randomness.</b> {@link #of(PrivacyBudget, double)} uses a new {@link AesCtrRandom}. Not
 * thread-safe.
 */
public final class LaplaceMechanism implements NoiseMechanism {

  /**
   * Sensitivity in grid steps, about 2^40: rounding inflates the sensitivity by one step, a
   * relative 2^-40 at most.
   */
  private static final int SENSITIVITY_STEPS_LOG2 = 40;

  /**
   * Noise scale in grid steps at most about 2^51 (tiny epsilon): the sampler forms {@code t V} with
   * {@code V} geometric ({@code P[V >= j] = e^-j}), which stays below 2^63 except with probability
   * {@code e^-2048}.
   */
  private static final int MAX_SCALE_STEPS_LOG2 = 50;

  /**
   * Smallest epsilon, 2^-50: below it the grid (tied to the scale) is coarser than the sensitivity
   * and the scale in steps, at least {@code 1 / epsilon}, would pass the sampler's 2^53 limit.
   */
  private static final double MIN_EPSILON = 0x1p-50;

  private final double epsilon;
  private final double l1Sensitivity;
  private final PowerOfTwoGrid grid;
  private final long scaleInSteps;
  private final DiscreteLaplaceSampler sampler;

  private LaplaceMechanism(double epsilon, double l1Sensitivity, UniformRandomProvider random) {
    this.epsilon = epsilon;
    this.l1Sensitivity = l1Sensitivity;
    double scale = l1Sensitivity / epsilon;
    Checks.require(
        scale < Double.POSITIVE_INFINITY, "l1Sensitivity / budget.epsilon", "finite", scale);
    int exponent =
        Math.max(
            Math.getExponent(l1Sensitivity) - SENSITIVITY_STEPS_LOG2,
            Math.getExponent(scale) - MAX_SCALE_STEPS_LOG2);
    Checks.require(
        exponent >= PowerOfTwoGrid.MIN_EXPONENT,
        "l1Sensitivity",
        "at least 2^" + (PowerOfTwoGrid.MIN_EXPONENT + SENSITIVITY_STEPS_LOG2),
        l1Sensitivity);
    this.grid = PowerOfTwoGrid.ofExponent(exponent);
    double stepsOfSensitivity = Math.scalb(l1Sensitivity, -exponent);
    long d = (long) Math.floor(stepsOfSensitivity) + 1;
    // t = ceil(D / epsilon), with the quotient rounded up before the ceiling.
    double quotient = Math.nextUp((double) d / epsilon);
    Checks.require(
        quotient < 0x1.0p53, "sensitivity in grid steps / epsilon", "below 2^53", quotient);
    this.scaleInSteps = Math.max(1L, (long) Math.ceil(quotient));
    this.sampler = DiscreteLaplaceSampler.of(scaleInSteps, random);
  }

  /**
   * A Laplace mechanism drawing from a new secure source ({@link AesCtrRandom}).
   *
   * @param budget a pure budget ({@code delta == 0}) with positive epsilon
   * @param l1Sensitivity the query's L1 sensitivity under the caller's neighbouring relation,
   *     positive and finite
   * @return the mechanism
   * @throws IllegalArgumentException when delta is not 0, epsilon is below 2^-50, the sensitivity
   *     is NaN, infinite, zero or negative, or {@code l1Sensitivity / epsilon} overflows
   */
  public static LaplaceMechanism of(PrivacyBudget budget, double l1Sensitivity) {
    checkArguments(budget, l1Sensitivity);
    return new LaplaceMechanism(
        budget.epsilon(), l1Sensitivity, AesCtrRandom.fromOperatingSystem());
  }

  /**
   * A Laplace mechanism drawing from {@code random}. It is only private if {@code random} is a
   * cryptographically secure source.
   *
   * @param budget a pure budget ({@code delta == 0}) with positive epsilon
   * @param l1Sensitivity the query's L1 sensitivity under the caller's neighbouring relation,
   *     positive and finite
   * @param random the uniform source the noise is drawn from, not null
   * @return the mechanism
   * @see #of(PrivacyBudget, double)
   */
  public static LaplaceMechanism of(
      PrivacyBudget budget, double l1Sensitivity, UniformRandomProvider random) {
    checkArguments(budget, l1Sensitivity);
    return new LaplaceMechanism(budget.epsilon(), l1Sensitivity, Checks.notNull("random", random));
  }

  private static void checkArguments(PrivacyBudget budget, double l1Sensitivity) {
    Checks.notNull("budget", budget);
    Checks.require(budget.isPure(), "budget.delta", "0 for the Laplace mechanism", budget.delta());
    Checks.positiveFinite("budget.epsilon", budget.epsilon());
    Checks.require(
        budget.epsilon() >= MIN_EPSILON, "budget.epsilon", "at least 2^-50", budget.epsilon());
    Checks.positiveFinite("l1Sensitivity", l1Sensitivity);
  }

  /** {@inheritDoc} The output is a multiple of {@link #granularity()}. */
  @Override
  public double addNoise(double value) {
    Checks.finite("value", value);
    return grid.addNoise(value, sampler.sample());
  }

  /** {@code EpsilonDeltaEvent.pure(epsilon)}; see the class documentation. */
  @Override
  public PrivacyEvent event() {
    return EpsilonDeltaEvent.pure(epsilon);
  }

  /**
   * The pure-DP epsilon of one release on a query whose L1 sensitivity is {@code l1Sensitivity}
   * (the noise stays the one calibrated at construction): {@code ε * D(s) / D}, where {@code D(s) =
   * floor(s / g) + 1} is the grid shift of an input moved by at most {@code s} ({@code D(0) = 0})
   * and {@code D = D(l1Sensitivity())}. The true cost is {@code D(s) / t}, and {@code D / t <= ε},
   * so this is an upper bound that equals {@link #event()}'s epsilon at the calibrated sensitivity;
   * it is rounded up by a relative 2^-48.
   *
   * @param l1Sensitivity the query's L1 sensitivity, finite and {@code >= 0} (NaN rejected)
   * @return epsilon, {@code >= 0}; exactly the budget's epsilon when {@code l1Sensitivity} is the
   *     calibrated sensitivity
   * @throws IllegalArgumentException when the sensitivity is negative, infinite or NaN
   */
  public double epsilonFor(double l1Sensitivity) {
    Checks.nonNegativeFinite("l1Sensitivity", l1Sensitivity);
    double steps = grid.shiftInSteps(l1Sensitivity);
    double calibrated = grid.shiftInSteps(this.l1Sensitivity);
    if (steps == calibrated) {
      return epsilon;
    }
    return PowerOfTwoGrid.roundedUp(epsilon * steps / calibrated);
  }

  /** {@return the grid step {@code g}, a power of two; every output is a multiple of it} */
  public double granularity() {
    return grid.granularity();
  }

  /**
   * {@return the noise scale actually used, in the query's units: {@code t * g}} It is at least
   * {@code Δ / ε} (larger by about one part in 2^40 because of the grid).
   */
  public double scale() {
    return scaleInSteps * grid.granularity();
  }

  /** {@return the L1 sensitivity this mechanism was calibrated for} */
  public double l1Sensitivity() {
    return l1Sensitivity;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Exact for the discrete Laplace: the half-width is {@code (m + 1/2) g}, where {@code m} is
   * the smallest integer with {@code P[|K| > m] = 2 p^(m+1) / (1 + p) <= 1 - level}, {@code p =
   * exp(-1/t)}, and the extra half step covers the rounding of the true value onto the grid.
   */
  @Override
  public ConfidenceInterval confidenceInterval(double noisyValue, double confidenceLevel) {
    Checks.finite("noisyValue", noisyValue);
    Checks.require(
        confidenceLevel > 0 && confidenceLevel < 1,
        "confidenceLevel",
        "in (0, 1)",
        confidenceLevel);
    double alpha = 1.0 - confidenceLevel;
    double logP = -1.0 / scaleInSteps;
    double p = Math.exp(logP);
    // m + 1 >= log(alpha (1 + p) / 2) / log p = -t log(alpha (1 + p) / 2); one extra step for
    // rounding.
    double mPlusOne = Math.ceil(-scaleInSteps * Math.log(alpha * (1 + p) / 2) * (1 + 1e-12)) + 1;
    double halfWidth = (Math.max(mPlusOne - 1, 0) + 0.5) * grid.granularity();
    return new ConfidenceInterval(
        Math.nextDown(noisyValue - halfWidth),
        Math.nextUp(noisyValue + halfWidth),
        confidenceLevel);
  }

  @Override
  public String toString() {
    return "LaplaceMechanism[epsilon="
        + epsilon
        + ", l1Sensitivity="
        + l1Sensitivity
        + ", scale="
        + scale()
        + ", granularity="
        + granularity()
        + "]";
  }
}

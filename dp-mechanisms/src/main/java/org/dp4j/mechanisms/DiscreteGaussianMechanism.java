package org.dp4j.mechanisms;

import java.math.BigDecimal;
import java.math.MathContext;
import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.ZcdpEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.random.AesCtrRandom;
import org.dp4j.mechanisms.sampling.DiscreteGaussianSampler;

/**
 * The discrete Gaussian mechanism for an integer-valued query of integer L2 sensitivity {@code Δ}:
 * the release is {@code x + K} with {@code P[K = k] ∝ exp(-k^2 / (2σ^2))}, sampled exactly
 * (Canonne, Kamath &amp; Steinke 2020, "The discrete Gaussian for differential privacy", Algorithm
 * 3). Integer arithmetic only, so no floating-point attack applies.
 *
 * <p><b>Privacy.</b> For integer inputs at most {@code Δ} apart it is {@code ρ = Δ^2 / (2σ^2)}
 * -zero-concentrated DP (CKS 2020, Thm. 4), exactly as the continuous Gaussian: the Renyi
 * divergence of order {@code α} between the two shifted discrete Gaussians is at most {@code α ρ}
 * (equal to it when {@code (α - 1) Δ} is an integer). It is built from a zCDP budget {@code ρ}:
 * {@code σ = Δ / sqrt(2ρ)}, rounded up, and {@link #event()} is {@code ZcdpEvent(Δ^2 / (2σ^2))}
 * with the exact {@code σ} used (a double, taken as the rational it is), rounded up and at most
 * {@code ρ}. Its (ε, δ) guarantee follows from any zCDP or Renyi accountant ({@code
 * ZcdpAccountant}, {@code RdpAccountant}); the direct (ε, δ) analysis of CKS 2020, Thm. 7, which is
 * slightly tighter, is not used.
 *
 * <p><b>Neighbouring relation.</b> {@code Δ} is the caller's statement about the query under the
 * relation of the filter the releases are charged to (for a sum of integers in {@code [-5, 5]}: 5
 * under {@code ADD_OR_REMOVE_ONE}, 10 under {@code REPLACE_ONE}), and a {@code ZcdpEvent} is read
 * as stated under that relation. {@link #rhoFor(long)} gives the cost for another sensitivity.
 *
 * <p><b>Output.</b> {@code x + K} saturates at {@code Long.MIN_VALUE} and {@code Long.MAX_VALUE}
 * (post-processing; never throws). {@link #ofZcdp(double, long)} draws from a new {@link
 * AesCtrRandom}. Not thread-safe.
 */
public final class DiscreteGaussianMechanism {

  private final long l2Sensitivity;
  private final double sigma;
  private final double rho;
  private final DiscreteGaussianSampler sampler;

  private DiscreteGaussianMechanism(
      double budgetRho, long l2Sensitivity, UniformRandomProvider random) {
    this.l2Sensitivity = l2Sensitivity;
    // At most four roundings of half an ulp each (the square roots, their product, the quotient);
    // each step up adds at least an ulp. sqrt(2) sqrt(rho) also serves rho near Double.MAX_VALUE.
    double root =
        2 * budgetRho < Double.POSITIVE_INFINITY
            ? Math.sqrt(2 * budgetRho)
            : Math.sqrt(2.0) * Math.sqrt(budgetRho);
    double candidate = Math.nextUp(Math.nextUp(Math.nextUp(l2Sensitivity / root)));
    // sigma >= 1 / sqrt(2 Double.MAX_VALUE), far above Double.MIN_NORMAL: only 2^52 can bind.
    Checks.require(
        candidate <= DiscreteGaussianSampler.MAX_SIGMA,
        "rho",
        "at least l2Sensitivity^2 / 2^105 = "
            + (double) l2Sensitivity * l2Sensitivity * 0x1p-105
            + " (sigma = l2Sensitivity / sqrt(2 rho) at most 2^52)",
        budgetRho);
    this.sigma = candidate;
    // sigma >= Δ / sqrt(2 rho), so the exact Δ^2 / (2 sigma^2) is at most rho.
    this.rho = Math.min(budgetRho, rhoOf(l2Sensitivity));
    this.sampler = DiscreteGaussianSampler.of(sigma, random);
  }

  /**
   * A discrete Gaussian mechanism with a zCDP budget, drawing from a new secure source ({@link
   * AesCtrRandom}).
   *
   * @param rho the zCDP budget of one release, positive and finite
   * @param l2Sensitivity the query's L2 sensitivity under the relation of the filter the releases
   *     are charged to, {@code >= 1}
   * @return the mechanism
   * @throws IllegalArgumentException when rho is not positive and finite (NaN included), the
   *     sensitivity is below 1, or {@code σ = Δ / sqrt(2ρ)} exceeds 2^52 (rho below about {@code
   *     Δ^2 / 2^105})
   */
  public static DiscreteGaussianMechanism ofZcdp(double rho, long l2Sensitivity) {
    checkArguments(rho, l2Sensitivity);
    return new DiscreteGaussianMechanism(rho, l2Sensitivity, AesCtrRandom.fromOperatingSystem());
  }

  /**
   * As {@link #ofZcdp(double, long)}, drawing from {@code random}; only private if it is a
   * cryptographically secure source.
   *
   * @param rho the zCDP budget of one release, positive and finite
   * @param l2Sensitivity the query's L2 sensitivity under the relation of the filter the releases
   *     are charged to, {@code >= 1}
   * @param random the uniform source the noise is drawn from, not null
   * @return the mechanism
   */
  public static DiscreteGaussianMechanism ofZcdp(
      double rho, long l2Sensitivity, UniformRandomProvider random) {
    checkArguments(rho, l2Sensitivity);
    return new DiscreteGaussianMechanism(rho, l2Sensitivity, Checks.notNull("random", random));
  }

  private static void checkArguments(double rho, long l2Sensitivity) {
    Checks.positiveFinite("rho", rho);
    Checks.positive("l2Sensitivity", l2Sensitivity);
  }

  /**
   * The noisy value: one release.
   *
   * @param value the true value
   * @return {@code value + K}, saturated to the range of {@code long}
   */
  public long addNoise(long value) {
    return SaturatingSum.of(value, sampler.sample());
  }

  /**
   * Spends {@link #event()} from {@code filter}, then releases; nothing is released when the filter
   * refuses.
   *
   * @param value the true value
   * @param filter the budget filter, not null
   * @param label what is released, for the filter's ledger
   * @return the released value
   * @throws PrivacyBudgetExceededException when the filter refuses; nothing is released or spent
   */
  public long addNoise(long value, PrivacyFilter filter, String label) {
    Checks.notNull("filter", filter).spend(event(), label);
    return addNoise(value);
  }

  /** {@return {@code ZcdpEvent(Δ^2 / (2σ^2))}, rounded up, under the filter's relation} */
  public PrivacyEvent event() {
    return new ZcdpEvent(rho);
  }

  /**
   * {@return the exact zCDP cost {@code Δ^2 / (2σ^2)} of one release, rounded up; at most the
   * budget}
   */
  public double rho() {
    return rho;
  }

  /**
   * The zCDP cost of one release on a query of L2 sensitivity {@code l2Sensitivity} (the noise
   * stays the calibrated one): {@code l2Sensitivity^2 / (2σ^2)}, rounded up.
   *
   * @param l2Sensitivity {@code >= 0}
   * @return rho {@code >= 0}
   * @throws IllegalArgumentException when the sensitivity is negative
   */
  public double rhoFor(long l2Sensitivity) {
    Checks.nonNegative("l2Sensitivity", l2Sensitivity);
    return rhoOf(l2Sensitivity);
  }

  private double rhoOf(long sensitivity) {
    BigDecimal s = new BigDecimal(sigma);
    BigDecimal divisor = s.multiply(s).multiply(BigDecimal.valueOf(2));
    BigDecimal dividend = BigDecimal.valueOf(sensitivity).multiply(BigDecimal.valueOf(sensitivity));
    double value = dividend.divide(divisor, MathContext.DECIMAL128).doubleValue();
    boolean exact = new BigDecimal(value).multiply(divisor).compareTo(dividend) == 0;
    return exact ? value : Math.nextUp(value);
  }

  /** {@return the parameter {@code σ} of the discrete Gaussian, used exactly} */
  public double sigma() {
    return sigma;
  }

  /** {@return the L2 sensitivity this mechanism was calibrated for} */
  public long l2Sensitivity() {
    return l2Sensitivity;
  }

  @Override
  public String toString() {
    return "DiscreteGaussianMechanism[l2Sensitivity="
        + l2Sensitivity
        + ", sigma="
        + sigma
        + ", rho="
        + rho
        + "]";
  }
}

package org.dp4j.mechanisms;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.random.AesCtrRandom;
import org.dp4j.mechanisms.sampling.DiscreteLaplaceSampler;

/**
 * The discrete Laplace (two-sided geometric) mechanism for an integer-valued query of integer L1
 * sensitivity {@code Δ}: the release is {@code x + K} with {@code P[K = k] ∝ exp(-|k| / t)},
 * sampled exactly (Canonne, Kamath &amp; Steinke 2020, "The discrete Gaussian for differential
 * privacy", Algorithm 2). Integer arithmetic only, so no floating-point attack applies.
 *
 * <p><b>Privacy.</b> For integer inputs at most {@code Δ} apart, the output probabilities differ by
 * a factor at most {@code exp(Δ / t)}, attained in the tails: the mechanism is exactly {@code (Δ /
 * t)}-DP (Ghosh, Roughgarden &amp; Sundararajan 2009; CKS 2020, Sec. 2). The scale is the rational
 * {@code t = scaleNumerator / scaleDenominator}, with a power-of-two denominator, chosen as the
 * smallest such fraction with a numerator near 2^40 and {@code t >= Δ / ε}; so the exact cost
 * {@code Δ / t} is at most the budget's ε and above {@code ε (1 - 2^-39)} (lower only when {@code Δ
 * / ε < 2^-22}, where the denominator stops at 2^62, or {@code Δ / ε > 2^40}, where it is 1 and
 * {@code t = ceil(Δ / ε)}). {@code Δ / ε} must be below 2^53. {@link #event()} is {@code
 * EpsilonDeltaEvent.pure(Δ / t)}, rounded up.
 *
 * <p><b>Neighbouring relation.</b> {@code Δ} is the caller's statement about the query under the
 * relation of the filter the releases are charged to (a count of records with some property: 1
 * under both relations; a sum of integers in {@code [0, 5]}: 5 under both; in {@code [-5, 5]}: 5
 * under {@code ADD_OR_REMOVE_ONE} and 10 under {@code REPLACE_ONE}), and the event is read as
 * stated under that relation. {@link #epsilonFor(long)} gives the cost for another sensitivity.
 *
 * <p><b>Output.</b> {@code x + K} saturates at {@code Long.MIN_VALUE} and {@code Long.MAX_VALUE}
 * (post-processing of the exact sum, so it costs nothing and never throws). {@link
 * #of(PrivacyBudget, long)} draws from a new {@link AesCtrRandom}. Not thread-safe.
 */
public final class DiscreteLaplaceMechanism {

  /** The scale numerator is chosen near 2^40, which gives the scale about 40 significant bits. */
  private static final int SCALE_BITS = 40;

  /**
   * Largest scale numerator, below 2^53: the sampler forms {@code numerator * V} with {@code V}
   * geometric ({@code P[V >= j] = e^-j}), which stays below 2^63 except with probability {@code
   * e^-1024}.
   */
  private static final int MAX_NUMERATOR_BITS = 53;

  /** Largest power-of-two denominator, 2^62, so it fits a long. */
  private static final int MAX_DENOMINATOR_LOG2 = 62;

  private final long l1Sensitivity;
  private final long scaleNumerator;
  private final long scaleDenominator;
  private final double epsilon;
  private final DiscreteLaplaceSampler sampler;

  private DiscreteLaplaceMechanism(
      double budgetEpsilon, long l1Sensitivity, UniformRandomProvider random) {
    this.l1Sensitivity = l1Sensitivity;
    BigDecimal minimalScale =
        new BigDecimal(l1Sensitivity).divide(new BigDecimal(budgetEpsilon), MathContext.DECIMAL128);
    // Denominator 2^k with k such that Δ 2^k / ε is about 2^40: k = 40 - floor(log2(Δ / ε)).
    int log2 = Math.getExponent(minimalScale.doubleValue());
    int k = Math.max(0, Math.min(MAX_DENOMINATOR_LOG2, SCALE_BITS - log2));
    BigInteger numerator =
        new BigDecimal(BigInteger.valueOf(l1Sensitivity).shiftLeft(k))
            .divide(new BigDecimal(budgetEpsilon), 0, RoundingMode.CEILING)
            .toBigIntegerExact();
    Checks.require(
        numerator.bitLength() <= MAX_NUMERATOR_BITS,
        "budget.epsilon",
        "above l1Sensitivity / 2^53 = " + l1Sensitivity / 0x1p53,
        budgetEpsilon);
    this.scaleNumerator = numerator.longValueExact();
    this.scaleDenominator = 1L << k;
    // The exact cost is at most the budget's epsilon, so the smaller of the two is an upper bound.
    this.epsilon = Math.min(budgetEpsilon, epsilonOf(l1Sensitivity));
    this.sampler = DiscreteLaplaceSampler.of(scaleNumerator, scaleDenominator, random);
  }

  /**
   * A discrete Laplace mechanism drawing from a new secure source ({@link AesCtrRandom}).
   *
   * @param budget a pure budget ({@code delta == 0}) with positive epsilon
   * @param l1Sensitivity the query's L1 sensitivity under the relation of the filter the releases
   *     are charged to, {@code >= 1}
   * @return the mechanism
   * @throws IllegalArgumentException when delta is not 0, or the sensitivity is below 1, or {@code
   *     l1Sensitivity / epsilon} is {@code 2^53} or more
   */
  public static DiscreteLaplaceMechanism of(PrivacyBudget budget, long l1Sensitivity) {
    checkArguments(budget, l1Sensitivity);
    return new DiscreteLaplaceMechanism(
        budget.epsilon(), l1Sensitivity, AesCtrRandom.fromOperatingSystem());
  }

  /**
   * As {@link #of(PrivacyBudget, long)}, drawing from {@code random}; only private if it is a
   * cryptographically secure source.
   *
   * @param budget a pure budget ({@code delta == 0}) with positive epsilon
   * @param l1Sensitivity the query's L1 sensitivity under the relation of the filter the releases
   *     are charged to, {@code >= 1}
   * @param random the uniform source the noise is drawn from, not null
   * @return the mechanism
   */
  public static DiscreteLaplaceMechanism of(
      PrivacyBudget budget, long l1Sensitivity, UniformRandomProvider random) {
    checkArguments(budget, l1Sensitivity);
    return new DiscreteLaplaceMechanism(
        budget.epsilon(), l1Sensitivity, Checks.notNull("random", random));
  }

  private static void checkArguments(PrivacyBudget budget, long l1Sensitivity) {
    Checks.notNull("budget", budget);
    Checks.require(
        budget.isPure(), "budget.delta", "0 for the discrete Laplace mechanism", budget.delta());
    Checks.positiveFinite("budget.epsilon", budget.epsilon());
    Checks.positive("l1Sensitivity", l1Sensitivity);
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

  /** {@return {@code EpsilonDeltaEvent.pure(Δ / t)}, rounded up, under the filter's relation} */
  public PrivacyEvent event() {
    return EpsilonDeltaEvent.pure(epsilon);
  }

  /**
   * {@return the exact cost {@code Δ / t} of one release, rounded up to a double; at most the
   * budget}
   */
  public double epsilon() {
    return epsilon;
  }

  /**
   * The pure epsilon of one release on a query of L1 sensitivity {@code l1Sensitivity} (the noise
   * stays the calibrated one): {@code l1Sensitivity / t}, rounded up.
   *
   * @param l1Sensitivity {@code >= 0}
   * @return epsilon {@code >= 0}
   * @throws IllegalArgumentException when the sensitivity is negative
   */
  public double epsilonFor(long l1Sensitivity) {
    Checks.nonNegative("l1Sensitivity", l1Sensitivity);
    return epsilonOf(l1Sensitivity);
  }

  private double epsilonOf(long sensitivity) {
    // Δ / t = Δ * denominator / numerator, exactly, then the next double up unless exact.
    BigDecimal dividend =
        new BigDecimal(
            BigInteger.valueOf(sensitivity).multiply(BigInteger.valueOf(scaleDenominator)));
    BigDecimal divisor = new BigDecimal(scaleNumerator);
    double value = dividend.divide(divisor, MathContext.DECIMAL128).doubleValue();
    boolean exact = new BigDecimal(value).multiply(divisor).compareTo(dividend) == 0;
    return exact ? value : Math.nextUp(value);
  }

  /** {@return the scale's numerator {@code t * scaleDenominator()}} */
  public long scaleNumerator() {
    return scaleNumerator;
  }

  /** {@return the scale's denominator, a power of two} */
  public long scaleDenominator() {
    return scaleDenominator;
  }

  /** {@return the scale {@code t = scaleNumerator / scaleDenominator}, rounded to a double} */
  public double scale() {
    return (double) scaleNumerator / scaleDenominator;
  }

  /** {@return the L1 sensitivity this mechanism was calibrated for} */
  public long l1Sensitivity() {
    return l1Sensitivity;
  }

  @Override
  public String toString() {
    return "DiscreteLaplaceMechanism[l1Sensitivity="
        + l1Sensitivity
        + ", scale="
        + scaleNumerator
        + "/"
        + scaleDenominator
        + ", epsilon="
        + epsilon
        + "]";
  }
}

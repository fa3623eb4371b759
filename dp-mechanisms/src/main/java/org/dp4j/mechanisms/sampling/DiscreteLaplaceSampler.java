package org.dp4j.mechanisms.sampling;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.internal.Checks;

/**
 * Exact sampler of the discrete Laplace (two-sided geometric) distribution on the integers, {@code
 * P[X = k] = (1 - p) / (1 + p) * p^|k|} with {@code p = exp(-1 / scale)}, for a rational {@code
 * scale = scaleNumerator / scaleDenominator} (Canonne, Kamath &amp; Steinke 2020, Algorithm 2).
 *
 * <p>Adding it to an integer query of L1 sensitivity {@code Δ} gives {@code Δ / scale}-DP (Ghosh,
 * Roughgarden &amp; Sundararajan 2009). Variance {@code 2p / (1 - p)^2}.
 *
 * <p>Every decision compares uniform integers, so there is no floating-point error anywhere: the
 * sample distribution is exactly the one above. Expected uniform draws per sample are O(1) (CKS
 * 2020, Sec. 5). Not thread-safe; the source is used by this sampler only.
 */
public final class DiscreteLaplaceSampler {

  private final ExactBernoulli bernoulli;
  private final long scaleNumerator;
  private final long scaleDenominator;

  private DiscreteLaplaceSampler(
      UniformRandomProvider random, long scaleNumerator, long scaleDenominator) {
    this.bernoulli = new ExactBernoulli(random);
    this.scaleNumerator = scaleNumerator;
    this.scaleDenominator = scaleDenominator;
  }

  /**
   * A sampler with {@code scale = scaleNumerator / scaleDenominator}.
   *
   * @param scaleNumerator {@code t >= 1}
   * @param scaleDenominator {@code s >= 1}
   * @param random the uniform source, not null (use a secure one for privacy)
   * @return the sampler
   * @throws IllegalArgumentException when a parameter is not positive
   */
  public static DiscreteLaplaceSampler of(
      long scaleNumerator, long scaleDenominator, UniformRandomProvider random) {
    Checks.positive("scaleNumerator", scaleNumerator);
    Checks.positive("scaleDenominator", scaleDenominator);
    return new DiscreteLaplaceSampler(
        Checks.notNull("random", random), scaleNumerator, scaleDenominator);
  }

  /**
   * A sampler with an integer scale.
   *
   * @param scale {@code t >= 1}
   * @param random the uniform source, not null
   * @return the sampler of scale {@code t / 1}
   */
  public static DiscreteLaplaceSampler of(long scale, UniformRandomProvider random) {
    return of(scale, 1, random);
  }

  /** {@return the scale's numerator {@code t}} */
  public long scaleNumerator() {
    return scaleNumerator;
  }

  /** {@return the scale's denominator {@code s}} */
  public long scaleDenominator() {
    return scaleDenominator;
  }

  /**
   * One sample.
   *
   * @return an integer with the discrete Laplace distribution
   * @throws ArithmeticException only when an intermediate exceeds 2^63, an event of probability
   *     below {@code exp(-2^62 / t)}
   */
  public long sample() {
    long t = scaleNumerator;
    long s = scaleDenominator;
    UniformRandomProvider random = bernoulli.random();
    while (true) {
      long u = random.nextLong(t);
      if (!bernoulli.bernoulliExpMinus(u, t)) {
        continue;
      }
      long v = 0;
      while (bernoulli.bernoulliExpMinus(1, 1)) {
        v++;
      }
      long x = Math.addExact(u, Math.multiplyExact(t, v));
      long y = x / s;
      boolean negative = random.nextBoolean();
      if (negative && y == 0) {
        continue;
      }
      return negative ? -y : y;
    }
  }

  @Override
  public String toString() {
    return "DiscreteLaplaceSampler[scale=" + scaleNumerator + "/" + scaleDenominator + "]";
  }
}

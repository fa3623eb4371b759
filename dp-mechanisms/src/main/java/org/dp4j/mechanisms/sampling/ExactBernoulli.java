package org.dp4j.mechanisms.sampling;

import java.math.BigInteger;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Exact Bernoulli trials with rational parameters, from uniform integers only (Canonne, Kamath
 * &amp; Steinke 2020, Algorithm 1 for {@code exp(-gamma)}). Uniform integers below a bound come
 * from {@link UniformRandomProvider#nextLong(long)} (unbiased, rejection-based) or, past 2^63, from
 * rejection on random bits decided 63 bits at a time. No floating-point operation influences an
 * outcome. Not thread-safe.
 */
public final class ExactBernoulli {

  private final UniformRandomProvider random;

  ExactBernoulli(UniformRandomProvider random) {
    this.random = random;
  }

  /**
   * Exact Bernoulli trials drawing from {@code random}.
   *
   * @param random the uniform source, not null
   * @return a new instance
   */
  public static ExactBernoulli of(UniformRandomProvider random) {
    return new ExactBernoulli(org.dp4j.core.internal.Checks.notNull("random", random));
  }

  /**
   * True with probability exactly {@code exp(-gamma)}, where the double {@code gamma} is read as
   * the exact rational it represents.
   *
   * @param gamma finite and {@code >= 0}
   * @return the outcome
   * @throws IllegalArgumentException when gamma is NaN, infinite or negative
   */
  public boolean expMinus(double gamma) {
    org.dp4j.core.internal.Checks.nonNegativeFinite("gamma", gamma);
    if (gamma == 0) {
      return true;
    }
    int exponent = Math.getExponent(gamma) - 52;
    if (exponent < Double.MIN_EXPONENT - 52) {
      exponent = Double.MIN_EXPONENT - 52;
    }
    long mantissa = (long) Math.scalb(gamma, -exponent);
    if (exponent >= 0) {
      return bernoulliExpMinus(BigInteger.valueOf(mantissa).shiftLeft(exponent), BigInteger.ONE);
    }
    return bernoulliExpMinus(BigInteger.valueOf(mantissa), BigInteger.ONE.shiftLeft(-exponent));
  }

  UniformRandomProvider random() {
    return random;
  }

  /**
   * True with probability {@code numerator / denominator}; requires {@code 0 <= num <= den}, {@code
   * den > 0}.
   */
  boolean bernoulli(long numerator, long denominator) {
    return random.nextLong(denominator) < numerator;
  }

  /**
   * True with probability {@code numerator / denominator} for big integers, {@code 0 <= num <=
   * den}.
   *
   * <p>Draws a uniform {@code U} in {@code [0, 2^b)}, {@code b = den.bitLength()}, rejecting {@code
   * U >= den}, and answers {@code U < num}. Only the top 63 bits of {@code U} are drawn first; they
   * decide the answer unless they equal the top bits of {@code num} or {@code den} (probability
   * about 2^-61), when the low bits are drawn too. The result is exact.
   */
  boolean bernoulli(BigInteger numerator, BigInteger denominator) {
    int bits = denominator.bitLength();
    if (bits < Long.SIZE) {
      return bernoulli(numerator.longValueExact(), denominator.longValueExact());
    }
    int shift = bits - 63;
    long denominatorTop = denominator.shiftRight(shift).longValue();
    long numeratorTop = numerator.shiftRight(shift).longValue();
    while (true) {
      long top = random.nextLong() >>> 1;
      if (top < numeratorTop) {
        return true;
      }
      if (top > numeratorTop && top < denominatorTop) {
        return false;
      }
      if (top > denominatorTop) {
        continue;
      }
      BigInteger u = BigInteger.valueOf(top).shiftLeft(shift).add(uniformBits(shift));
      if (u.compareTo(denominator) < 0) {
        return u.compareTo(numerator) < 0;
      }
    }
  }

  /** A uniform integer in {@code [0, 2^bits)}. */
  private BigInteger uniformBits(int bits) {
    byte[] bytes = new byte[(bits + 7) / 8];
    random.nextBytes(bytes);
    bytes[0] &= (byte) (0xFF >>> (bytes.length * 8 - bits));
    return new BigInteger(1, bytes);
  }

  /**
   * True with probability {@code exp(-numerator / denominator)} (CKS 2020, Algorithm 1), for {@code
   * numerator >= 0}, {@code denominator > 0}.
   */
  boolean bernoulliExpMinus(long numerator, long denominator) {
    long whole = numerator / denominator;
    for (long k = 0; k < whole; k++) {
      if (!bernoulliExpMinusFraction(1, 1)) {
        return false;
      }
    }
    return bernoulliExpMinusFraction(numerator % denominator, denominator);
  }

  /** As {@link #bernoulliExpMinus(long, long)} for big integers. */
  boolean bernoulliExpMinus(BigInteger numerator, BigInteger denominator) {
    BigInteger[] wholeAndFraction = numerator.divideAndRemainder(denominator);
    BigInteger whole = wholeAndFraction[0];
    // Each round passes with probability 1/e, so the loop ends after about 1.6 rounds on average;
    // reaching the end of a huge 'whole' is a probability-exp(-whole) event.
    for (BigInteger k = BigInteger.ZERO; k.compareTo(whole) < 0; k = k.add(BigInteger.ONE)) {
      if (!bernoulliExpMinusFraction(1, 1)) {
        return false;
      }
    }
    BigInteger fraction = wholeAndFraction[1];
    if (denominator.bitLength() < Long.SIZE) {
      return bernoulliExpMinusFraction(fraction.longValueExact(), denominator.longValueExact());
    }
    long k = 1;
    while (bernoulli(fraction, denominator.multiply(BigInteger.valueOf(k)))) {
      k++;
    }
    return (k & 1L) == 1L;
  }

  /**
   * CKS 2020 Algorithm 1 for {@code gamma = num / den} in {@code [0, 1]}: count K = 1, 2, ... while
   * Bernoulli(gamma / K) succeeds; return whether the final K is odd. P[K odd] = exp(-gamma).
   */
  private boolean bernoulliExpMinusFraction(long numerator, long denominator) {
    long k = 1;
    while (true) {
      long high = Math.multiplyHigh(denominator, k);
      long scaled = denominator * k;
      boolean success;
      if (high == 0 && scaled > 0) {
        success = bernoulli(numerator, scaled);
      } else {
        success =
            bernoulli(
                BigInteger.valueOf(numerator),
                BigInteger.valueOf(denominator).multiply(BigInteger.valueOf(k)));
      }
      if (!success) {
        return (k & 1L) == 1L;
      }
      k++;
    }
  }
}

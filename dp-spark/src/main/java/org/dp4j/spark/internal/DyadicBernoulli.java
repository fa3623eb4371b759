package org.dp4j.spark.internal;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.internal.Checks;

/**
 * An exact Bernoulli trial for a probability given as a double.
 *
 * <p>A double {@code p} in {@code (0, 1)} is a dyadic rational {@code m / 2^s}. The trial draws the
 * bits of a uniform {@code u} in {@code [0, 1)} 64 at a time and compares them with the bits of
 * {@code p} until they differ: {@code P[u < p] = p} exactly, with no rounding, whatever the size of
 * {@code p} (the naive {@code nextDouble() < p} is off by up to 2^-53, which is not small against
 * the deltas of partition selection). Expected draws: {@code 1 + 2^-64}.
 */
public final class DyadicBernoulli {

  private DyadicBernoulli() {}

  /**
   * True with probability exactly {@code p}.
   *
   * @param p the probability; at most 0 (NaN included) gives false, at least 1 gives true
   * @param random the uniform source, not null
   * @return the outcome
   */
  public static boolean trial(double p, UniformRandomProvider random) {
    Checks.notNull("random", random);
    if (!(p > 0)) {
      return false;
    }
    if (p >= 1) {
      return true;
    }
    long bits = Double.doubleToRawLongBits(p);
    int biasedExponent = (int) (bits >>> 52) & 0x7ff;
    long mantissa = bits & ((1L << 52) - 1);
    if (biasedExponent == 0) {
      biasedExponent = 1;
    } else {
      mantissa |= 1L << 52;
    }
    // p = mantissa * 2^-shift; bit i of the binary fraction (1-based) is bit (shift - i) of
    // mantissa.
    int shift = 1075 - biasedExponent;
    for (int chunk = 0; ; chunk++) {
      int high = shift - 64 * chunk; // mantissa bits [high - 64, high) form this chunk
      if (high <= 0) {
        return false; // p's remaining bits are 0 and u's are not all 0 (probability 1)
      }
      long pChunk = extract(mantissa, high - 64);
      long uChunk = random.nextLong();
      int c = Long.compareUnsigned(uChunk, pChunk);
      if (c != 0) {
        return c < 0;
      }
    }
  }

  /** Bits {@code [low, low + 64)} of {@code mantissa} (bits below 0 read as 0). */
  private static long extract(long mantissa, int low) {
    if (low >= 64) {
      return 0;
    }
    if (low >= 0) {
      return mantissa >>> low;
    }
    return -low >= 64 ? 0 : mantissa << -low;
  }
}

package org.dp4j.mechanisms;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.dp4j.core.internal.Checks;

/**
 * Exact arithmetic on the grid {@code granularity * Z}, {@code granularity = 2^k}: rounding a
 * double onto the grid and adding integer noise with no floating-point rounding that could depend
 * on the input. Package-private helper of the floating-point-safe mechanisms.
 *
 * <p>{@code x / 2^k} is exact for every finite double away from overflow, so the grid index {@code
 * rint(x / 2^k)} is exactly the nearest grid point (ties to even). Noise is added to that index in
 * exact integer arithmetic, and only the noisy index is converted back to a double: the output is a
 * deterministic function of (index + noise), which is what the discrete mechanism's privacy proof
 * covers.
 */
final class PowerOfTwoGrid {

  /** Smallest grid exponent: 2^-1074, the smallest (subnormal) power of two. */
  static final int MIN_EXPONENT = Double.MIN_EXPONENT - 52;

  private static final double LONG_SAFE = 0x1.0p62;

  /**
   * Inputs are clamped to {@code ±2^1000} grid steps before division, so the index never overflows.
   */
  private static final int CLAMP_EXPONENT = 1000;

  private final double granularity;
  private final double clamp;

  private PowerOfTwoGrid(int exponent) {
    this.granularity = Math.scalb(1.0, exponent);
    this.clamp =
        exponent + CLAMP_EXPONENT <= Double.MAX_EXPONENT
            ? Math.scalb(1.0, exponent + CLAMP_EXPONENT)
            : Double.MAX_VALUE;
  }

  /** The grid {@code 2^exponent * Z}; {@code exponent} in {@code [-1074, 1023]}. */
  static PowerOfTwoGrid ofExponent(int exponent) {
    Checks.require(
        exponent >= MIN_EXPONENT && exponent <= Double.MAX_EXPONENT,
        "granularity exponent",
        "in [-1074, 1023]",
        exponent);
    return new PowerOfTwoGrid(exponent);
  }

  double granularity() {
    return granularity;
  }

  /**
   * The largest distance, in grid steps, between the grid indices of two inputs at most {@code
   * distance} apart: {@code floor(distance / g) + 1}, or 0 for distance 0 ({@code |rint(a) -
   * rint(b)| <= floor(|a - b|) + 1}). Exact below 2^53 steps (division by a power of two and the
   * floor are exact); above, the next double up, and {@code +Infinity} past the double range.
   *
   * @param distance finite and {@code >= 0}
   */
  double shiftInSteps(double distance) {
    if (distance == 0) {
      return 0;
    }
    double steps = Math.floor(distance / granularity);
    return steps < 0x1p53 ? steps + 1 : Math.nextUp(steps);
  }

  /**
   * {@code x} rounded up by a relative 2^-48 and one ulp: covers the rounding of up to about 30
   * floating-point operations on non-negative operands (each at most 2^-53 relative), so a cost
   * computed with them stays an upper bound.
   */
  static double roundedUp(double x) {
    return x == 0 || x == Double.POSITIVE_INFINITY ? x : Math.nextUp(x + x * 0x1p-48);
  }

  /**
   * {@code granularity * (round(value / granularity) + noise)}, computed exactly up to the final
   * conversion of the integer sum to a double. Values beyond {@code ±2^1000} grid steps are first
   * clamped there (a 1-Lipschitz map, so sensitivity is preserved).
   */
  double addNoise(double value, long noise) {
    double clamped = Math.max(-clamp, Math.min(clamp, value));
    double index = Math.rint(clamped / granularity);
    if (Math.abs(index) < LONG_SAFE) {
      long exactIndex = (long) index;
      long sum = exactIndex + noise;
      boolean overflow = ((exactIndex ^ sum) & (noise ^ sum)) < 0;
      if (!overflow) {
        return (double) sum * granularity;
      }
    }
    BigInteger sum = new BigDecimal(index).toBigIntegerExact().add(BigInteger.valueOf(noise));
    return sum.doubleValue() * granularity;
  }
}

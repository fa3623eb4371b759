package org.dp4j.mechanisms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PowerOfTwoGridTest {

  /** Whether a positive double is an exact power of two (normal or subnormal). */
  static boolean isPowerOfTwo(double g) {
    long bits = Double.doubleToRawLongBits(g);
    long mantissa = bits & 0x000F_FFFF_FFFF_FFFFL;
    boolean subnormal = (bits >>> 52) == 0;
    return g > 0 && (subnormal ? Long.bitCount(mantissa) == 1 : mantissa == 0);
  }

  /**
   * Property: the result equals the exact real g (round(x / g) + k) rounded once to a double,
   * computed independently with BigDecimal, for random x across many magnitudes and random k.
   */
  @RepeatedTest(5)
  void addNoiseIsTheExactGridSumRoundedOnce(RepetitionInfo repetition) {
    UniformRandomProvider random = SeededNoise.uniform(repetition.getCurrentRepetition());
    for (int i = 0; i < 100; i++) {
      int exponent = random.nextInt(-1074, 1024);
      PowerOfTwoGrid grid = PowerOfTwoGrid.ofExponent(exponent);
      double x =
          Double.longBitsToDouble(random.nextLong() & 0x7FEF_FFFF_FFFF_FFFFL)
              * (random.nextBoolean() ? 1 : -1);
      long k = random.nextLong() >> random.nextInt(0, 64);
      double actual = grid.addNoise(x, k);
      BigDecimal g = new BigDecimal(grid.granularity());
      double clampLimit =
          exponent + 1000 <= 1023 ? Math.scalb(1.0, exponent + 1000) : Double.MAX_VALUE;
      double clamped = Math.max(-clampLimit, Math.min(clampLimit, x));
      BigDecimal index =
          new BigDecimal(clamped).divide(g).setScale(0, java.math.RoundingMode.HALF_EVEN);
      BigDecimal exactSum = index.add(BigDecimal.valueOf(k));
      double expected = exactSum.doubleValue() * grid.granularity();
      assertEquals(expected, actual, "x=" + x + " k=" + k + " g=2^" + exponent);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {-1074, -1022, -40, 0, 52, 1023})
  void granularityIsThePowerOfTwo(int exponent) {
    double g = PowerOfTwoGrid.ofExponent(exponent).granularity();
    assertTrue(isPowerOfTwo(g));
    BigDecimal power = BigDecimal.valueOf(2).pow(Math.abs(exponent));
    BigDecimal expected = exponent >= 0 ? power : BigDecimal.ONE.divide(power);
    assertEquals(0, expected.compareTo(new BigDecimal(g)));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1075, 1024, Integer.MIN_VALUE})
  void rejectsExponentsOutsideTheDoubleRange(int exponent) {
    assertThrows(IllegalArgumentException.class, () -> PowerOfTwoGrid.ofExponent(exponent));
  }
}

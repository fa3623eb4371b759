package org.dp4j.mechanisms.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.dp4j.mechanisms.stats.GoodnessOfFit;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExactBernoulliTest {

  private static final int N = 200_000;

  @ParameterizedTest(name = "exp(-{0}/{1})")
  @CsvSource({"0,1", "1,3", "1,1", "5,2", "7,1"})
  void bernoulliExpMinusHasProbabilityExpMinusGamma(long num, long den) {
    ExactBernoulli bernoulli = new ExactBernoulli(SeededNoise.uniform(num * 131 + den));
    int longHits = 0;
    int bigHits = 0;
    // A denominator above 2^64 forces the big-integer path: gamma = num * 2^70 / (den * 2^70).
    BigInteger shift = BigInteger.ONE.shiftLeft(70);
    for (int i = 0; i < N; i++) {
      longHits += bernoulli.bernoulliExpMinus(num, den) ? 1 : 0;
      bigHits +=
          bernoulli.bernoulliExpMinus(
                  BigInteger.valueOf(num).multiply(shift), BigInteger.valueOf(den).multiply(shift))
              ? 1
              : 0;
    }
    double p = Math.exp(-(double) num / den);
    // Tolerance 5.3 binomial standard deviations: false failure about 1.2e-7 per assertion.
    double tolerance = GoodnessOfFit.binomialTolerance(p, N) + 1e-12;
    assertEquals(p, (double) longHits / N, tolerance, "long path");
    assertEquals(p, (double) bigHits / N, tolerance, "big-integer path");
  }

  @Test
  void bigIntegerBernoulliHasTheRatioAsProbability() {
    ExactBernoulli bernoulli = new ExactBernoulli(SeededNoise.uniform(3));
    // 1/3 and 5/7 with 90-bit denominators: the 63-top-bit path of bernoulli(BigInteger,
    // BigInteger).
    BigInteger scale = BigInteger.ONE.shiftLeft(88).add(BigInteger.valueOf(12345));
    int n = 200_000;
    int thirds = 0;
    int fiveSevenths = 0;
    for (int i = 0; i < n; i++) {
      thirds += bernoulli.bernoulli(scale, scale.multiply(BigInteger.valueOf(3))) ? 1 : 0;
      fiveSevenths +=
          bernoulli.bernoulli(
                  scale.multiply(BigInteger.valueOf(5)), scale.multiply(BigInteger.valueOf(7)))
              ? 1
              : 0;
    }
    // 5.3 binomial sd: false failure about 1.2e-7 each.
    assertEquals(1.0 / 3, (double) thirds / n, GoodnessOfFit.binomialTolerance(1.0 / 3, n));
    assertEquals(5.0 / 7, (double) fiveSevenths / n, GoodnessOfFit.binomialTolerance(5.0 / 7, n));
    assertTrue(bernoulli.bernoulli(scale, scale));
    assertTrue(!bernoulli.bernoulli(BigInteger.ZERO, scale));
  }
}

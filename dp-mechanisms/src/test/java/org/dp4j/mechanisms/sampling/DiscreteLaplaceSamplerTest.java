package org.dp4j.mechanisms.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.mechanisms.random.TestKeys;
import org.dp4j.mechanisms.stats.GoodnessOfFit;
import org.dp4j.mechanisms.stats.GoodnessOfFit.ChiSquare;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DiscreteLaplaceSamplerTest {

  private static final int N = 200_000;

  private static long[] draw(DiscreteLaplaceSampler sampler, int n) {
    long[] samples = new long[n];
    for (int i = 0; i < n; i++) {
      samples[i] = sampler.sample();
    }
    return samples;
  }

  @ParameterizedTest(name = "scale {0}/{1}")
  @CsvSource({"1,1", "3,1", "7,2", "1,3", "100,7", "1099511627776,1"})
  void fitsTheDiscreteLaplaceByChiSquare(long t, long s) {
    DiscreteLaplaceSampler sampler =
        DiscreteLaplaceSampler.of(t, s, SeededNoise.uniform(t * 31 + s));
    // False-failure rate 1e-6 (chi-square critical value at that level; fixed seed).
    ChiSquare fit =
        GoodnessOfFit.chiSquare(
            draw(sampler, N),
            DiscreteDistributions.discreteLaplaceCdf((double) t / s),
            GoodnessOfFit.FALSE_FAILURE_RATE);
    assertTrue(fit.accepted(), fit.toString());
    assertTrue(fit.degreesOfFreedom() >= 5, fit.toString());
  }

  @Test
  void fitsOnTheSecureSourceToo() {
    DiscreteLaplaceSampler sampler = DiscreteLaplaceSampler.of(5, 2, TestKeys.fixedKey(3));
    ChiSquare fit =
        GoodnessOfFit.chiSquare(
            draw(sampler, N),
            DiscreteDistributions.discreteLaplaceCdf(2.5),
            GoodnessOfFit.FALSE_FAILURE_RATE);
    assertTrue(fit.accepted(), fit.toString());
  }

  @Test
  void checkRejectsAScaleTenPercentTooLarge() {
    DiscreteLaplaceSampler wrong = DiscreteLaplaceSampler.of(33, 10, SeededNoise.uniform(11));
    ChiSquare fit =
        GoodnessOfFit.chiSquare(
            draw(wrong, N),
            DiscreteDistributions.discreteLaplaceCdf(3.0),
            GoodnessOfFit.FALSE_FAILURE_RATE);
    assertFalse(fit.accepted(), fit.toString());
  }

  @Test
  void checkRejectsADiscreteGaussianOfTheSameVariance() {
    double scale = 3.0;
    double p = Math.exp(-1 / scale);
    double variance = 2 * p / ((1 - p) * (1 - p));
    DiscreteGaussianSampler wrongShape =
        DiscreteGaussianSampler.of(Math.sqrt(variance), SeededNoise.uniform(12));
    long[] samples = new long[N];
    for (int i = 0; i < N; i++) {
      samples[i] = wrongShape.sample();
    }
    ChiSquare fit =
        GoodnessOfFit.chiSquare(
            samples,
            DiscreteDistributions.discreteLaplaceCdf(scale),
            GoodnessOfFit.FALSE_FAILURE_RATE);
    assertFalse(fit.accepted(), fit.toString());
  }

  @Test
  void isSymmetricAndReproducibleWithASeed() {
    long[] a = draw(DiscreteLaplaceSampler.of(4, SeededNoise.uniform(5)), 1000);
    long[] b = draw(DiscreteLaplaceSampler.of(4, SeededNoise.uniform(5)), 1000);
    assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
  }

  @Test
  void rejectsBadParameters() {
    UniformRandomProvider random = SeededNoise.uniform(1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DiscreteLaplaceSampler.of(0, 1, random));
    assertEquals("scaleNumerator must be positive, got 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DiscreteLaplaceSampler.of(-3, 1, random));
    assertThrows(IllegalArgumentException.class, () -> DiscreteLaplaceSampler.of(1, 0, random));
    assertThrows(IllegalArgumentException.class, () -> DiscreteLaplaceSampler.of(1, -1, random));
    assertThrows(NullPointerException.class, () -> DiscreteLaplaceSampler.of(1, 1, null));
  }
}

package org.dp4j.mechanisms.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.LongToDoubleFunction;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.mechanisms.random.TestKeys;
import org.dp4j.mechanisms.stats.GoodnessOfFit;
import org.dp4j.mechanisms.stats.GoodnessOfFit.ChiSquare;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DiscreteGaussianSamplerTest {

  private static final int N = 200_000;

  private static long[] draw(DiscreteGaussianSampler sampler, int n) {
    long[] samples = new long[n];
    for (int i = 0; i < n; i++) {
      samples[i] = sampler.sample();
    }
    return samples;
  }

  @ParameterizedTest(name = "sigma {0}")
  @ValueSource(doubles = {0.5, 1.0, 2.75, 10.5, 100.0})
  void fitsTheDiscreteGaussianByChiSquare(double sigma) {
    DiscreteGaussianSampler sampler =
        DiscreteGaussianSampler.of(sigma, SeededNoise.uniform(Double.doubleToLongBits(sigma)));
    // False-failure rate 1e-6 (chi-square critical value at that level; fixed seed).
    ChiSquare fit =
        GoodnessOfFit.chiSquare(
            draw(sampler, N),
            DiscreteDistributions.discreteGaussianCdf(sigma),
            GoodnessOfFit.FALSE_FAILURE_RATE);
    assertTrue(fit.accepted(), fit.toString());
  }

  @Test
  void fitsAtAHugeSigmaOnTheSecureSource() {
    // sigma = 2^40 + 0.375: the regime of the floating-point-safe Gaussian mechanism. Bin masses
    // come
    // from the continuous normal CDF at half-integers; by Poisson summation the discrete Gaussian's
    // CDF differs from it by far less than 1e-9 at this sigma, invisible at n = 50,000.
    double sigma = 0x1.0p40 + 0.375;
    DiscreteGaussianSampler sampler = DiscreteGaussianSampler.of(sigma, TestKeys.fixedKey(9));
    NormalDistribution normal = new NormalDistribution(null, 0, sigma);
    LongToDoubleFunction cdf = k -> normal.cumulativeProbability(k + 0.5);
    ChiSquare fit =
        GoodnessOfFit.chiSquare(draw(sampler, 50_000), cdf, GoodnessOfFit.FALSE_FAILURE_RATE);
    assertTrue(fit.accepted(), fit.toString());
  }

  @Test
  void checkRejectsASigmaTenPercentTooLarge() {
    ChiSquare fit =
        GoodnessOfFit.chiSquare(
            draw(DiscreteGaussianSampler.of(3.3, SeededNoise.uniform(21)), N),
            DiscreteDistributions.discreteGaussianCdf(3.0),
            GoodnessOfFit.FALSE_FAILURE_RATE);
    assertFalse(fit.accepted(), fit.toString());
  }

  @Test
  void checkRejectsADiscreteLaplaceOfTheSameVariance() {
    // Discrete Laplace with scale 4 has variance 2p/(1-p)^2 with p = exp(-1/4).
    double p = Math.exp(-0.25);
    double sigma = Math.sqrt(2 * p / ((1 - p) * (1 - p)));
    DiscreteLaplaceSampler wrongShape = DiscreteLaplaceSampler.of(4, SeededNoise.uniform(22));
    long[] samples = new long[N];
    for (int i = 0; i < N; i++) {
      samples[i] = wrongShape.sample();
    }
    ChiSquare fit =
        GoodnessOfFit.chiSquare(
            samples,
            DiscreteDistributions.discreteGaussianCdf(sigma),
            GoodnessOfFit.FALSE_FAILURE_RATE);
    assertFalse(fit.accepted(), fit.toString());
  }

  @Test
  void rejectsBadSigma() {
    UniformRandomProvider random = SeededNoise.uniform(1);
    for (double bad :
        new double[] {
          Double.NaN,
          Double.POSITIVE_INFINITY,
          Double.NEGATIVE_INFINITY,
          0.0,
          -0.0,
          -1.0,
          Double.MIN_VALUE,
          0x1.0p53,
          Double.MAX_VALUE
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> DiscreteGaussianSampler.of(bad, random));
      assertTrue(e.getMessage().startsWith("sigma must be in ["), e.getMessage());
      assertTrue(e.getMessage().endsWith("got " + bad), e.getMessage());
    }
    assertThrows(NullPointerException.class, () -> DiscreteGaussianSampler.of(1.0, null));
    assertEquals(1.5, DiscreteGaussianSampler.of(1.5, random).sigma());
  }
}

package org.dp4j.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.mechanisms.GaussianMechanism;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.dp4j.spark.StatisticalChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GaussianThresholdRuleTest {

  @ParameterizedTest(name = "sigma {0}, p {1}")
  @CsvSource({"1, 1e-6", "3.7, 1e-9", "25, 4e-8", "0.2, 0.01", "1000, 1e-12"})
  void aGroupOfOneUnitCrossesWithAtMostTheAllowedProbability(double sigma, double p) {
    GaussianThresholdRule rule = GaussianThresholdRule.of(sigma, sigma * 0x1.0p-40, 3, p);
    double crossing = rule.releaseProbability(1);
    assertTrue(crossing <= p, crossing + " > " + p);
    // ... and not much less: the threshold is tight (Commons Math's normal quantile, independent).
    double exact = 1 + sigma * new NormalDistribution().inverseCumulativeProbability(1 - p);
    assertEquals(exact, rule.threshold(), Math.max(1e-6 * exact, 1e-9) + 3 * sigma * 0x1.0p-40);
  }

  @Test
  void releaseFrequenciesThroughTheDiscreteGaussianMatchTheFormula() {
    GaussianMechanism noise =
        GaussianMechanism.of(PrivacyBudget.approximate(0.5, 1e-3), 1.0, SeededNoise.uniform(7));
    GaussianThresholdRule rule =
        GaussianThresholdRule.of(noise.sigma(), noise.granularity(), 1, 1e-4);
    GaussianThresholdRule shifted =
        new GaussianThresholdRule(noise.sigma(), rule.threshold() + 0.5);
    int trials = 40_000;
    boolean powerShown = false;
    for (long n = 1; n < rule.threshold() + 3 * noise.sigma(); n += 2) {
      double p = rule.releaseProbability(n);
      int released = 0;
      for (int i = 0; i < trials; i++) {
        released += rule.passes(noise.addNoise(n)) ? 1 : 0;
      }
      double rate = (double) released / trials;
      // Binomial, 5.3 standard deviations (+1/trials near 0 and 1): false failure 1.2e-7 each.
      assertEquals(
          p, rate, StatisticalChecks.binomialTolerance(p, trials) + 1.0 / trials, "n " + n);
      double q = shifted.releaseProbability(n);
      powerShown |=
          Math.abs(q - rate) > StatisticalChecks.binomialTolerance(q, trials) + 1.0 / trials;
    }
    assertTrue(powerShown, "the check must tell the threshold from one 0.5 higher");
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(IllegalArgumentException.class, () -> GaussianThresholdRule.of(0, 1e-9, 1, 1e-6));
    assertThrows(
        IllegalArgumentException.class, () -> GaussianThresholdRule.of(Double.NaN, 1e-9, 1, 1e-6));
    assertThrows(IllegalArgumentException.class, () -> GaussianThresholdRule.of(1, 1e-9, 0, 1e-6));
    assertThrows(IllegalArgumentException.class, () -> GaussianThresholdRule.of(1, 1e-9, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> GaussianThresholdRule.of(1, 1e-9, 1, 1));
  }
}

package org.dp4j.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.dp4j.spark.StatisticalChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TruncatedGeometricRuleTest {

  /** The rule written out again from the paper (Desfontaines et al. 2022, Def. 5), no margin. */
  private static double paper(double eps, double delta, long n) {
    double pi = 0;
    for (long i = 1; i <= n; i++) {
      pi = Math.min(Math.min(Math.exp(eps) * pi + delta, 1 + Math.exp(-eps) * (pi + delta - 1)), 1);
    }
    return pi;
  }

  @ParameterizedTest(name = "eps {0}, delta {1}")
  @CsvSource({"1, 1e-6", "0.1, 1e-8", "0.01, 1e-10", "2, 0.01", "0.5, 1e-5"})
  void bothPrivacyInequalitiesHoldAtEveryCountAndTheRuleIsTheOptimalOne(double eps, double delta) {
    TruncatedGeometricRule rule = new TruncatedGeometricRule(eps, delta);
    assertEquals(0.0, rule.releaseProbability(0));
    long last = rule.unitsReleasedSurely();
    assertTrue(last > 0, "reaches 1");
    for (long n = 1; n <= last + 2; n++) {
      double p = rule.releaseProbability(n);
      double q = rule.releaseProbability(n - 1);
      // Adding a unit: P[release] grows at most by e^eps and delta; both directions.
      assertTrue(p <= Math.exp(eps) * q + delta, "n " + n);
      assertTrue(1 - q <= Math.exp(eps) * (1 - p) + delta, "n " + n);
      assertTrue(q <= p, "monotone at n " + n);
      // Close to the paper's optimal rule: the table runs at relative margins of 2^-30 and an
      // absolute e^eps 2^-50 on delta, a relative e^eps 2^-50 / delta on the probabilities.
      double optimal = paper(eps, delta, n);
      double relative = 1e-6 + 2 * Math.exp(eps) * 0x1.0p-50 / delta;
      assertTrue(
          p <= optimal && p >= optimal * (1 - relative) - 1e-15,
          "n " + n + ": " + p + " vs " + optimal);
    }
    assertEquals(1.0, rule.releaseProbability(last + 1000));
    // pi(1) is delta (slightly less): a group only one unit contributes to is rarely released.
    assertEquals(delta, rule.releaseProbability(1), delta * 1e-8 + Math.exp(eps) * 0x1.0p-49);
  }

  @Test
  void releaseFrequenciesMatchTheFormulaAndTheCheckRejectsALargerEpsilon() {
    TruncatedGeometricRule rule = new TruncatedGeometricRule(0.5, 1e-3);
    TruncatedGeometricRule larger = new TruncatedGeometricRule(0.75, 1e-3);
    UniformRandomProvider random = SeededNoise.uniform(2022);
    int trials = 40_000;
    boolean powerShown = false;
    for (long n : new long[] {1, 2, 5, 8, 10, 12, 15, 20, 30}) {
      double p = rule.releaseProbability(n);
      int released = 0;
      for (int i = 0; i < trials; i++) {
        released += rule.release(n, random) ? 1 : 0;
      }
      double rate = (double) released / trials;
      // Binomial, 5.3 standard deviations (plus 1/trials for p near 0 or 1): false failure 1.2e-7.
      double tolerance = StatisticalChecks.binomialTolerance(p, trials) + 1.0 / trials;
      assertEquals(p, rate, tolerance, "n " + n);
      double q = larger.releaseProbability(n);
      powerShown |=
          Math.abs(q - rate) > StatisticalChecks.binomialTolerance(q, trials) + 1.0 / trials;
    }
    assertTrue(powerShown, "the frequency check must tell epsilon 0.5 from 0.75");
  }

  @Test
  void rejectsEpsilonsTooSmallForItsMarginAndBadDeltas() {
    assertThrows(IllegalArgumentException.class, () -> new TruncatedGeometricRule(1e-7, 1e-6));
    assertThrows(
        IllegalArgumentException.class, () -> new TruncatedGeometricRule(Double.NaN, 1e-6));
    assertThrows(IllegalArgumentException.class, () -> new TruncatedGeometricRule(1, 0));
    assertThrows(IllegalArgumentException.class, () -> new TruncatedGeometricRule(1, 1e-16));
    assertThrows(IllegalArgumentException.class, () -> new TruncatedGeometricRule(1, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new TruncatedGeometricRule(1, 1e-6).releaseProbability(-1));
  }
}

package org.dp4j.mechanisms;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dp4j.core.PrivacyBudget;
import org.dp4j.mechanisms.stats.EmpiricalPrivacyCheck;
import org.dp4j.mechanisms.stats.EmpiricalPrivacyCheck.Result;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;

/**
 * Empirical DP checks on neighbouring inputs 0 and Δ (see {@link EmpiricalPrivacyCheck} for the
 * tolerance and its false-failure rate, below 4e-6), and the check's power: a mechanism calibrated
 * with half the noise fails it.
 */
class EmpiricalPrivacyTest {

  @Test
  void laplaceMechanismPassesAndHalfNoiseFails() {
    double epsilon = 1.0;
    double sensitivity = 1.0;
    LaplaceMechanism m1 =
        LaplaceMechanism.of(PrivacyBudget.pure(epsilon), sensitivity, SeededNoise.uniform(1));
    LaplaceMechanism m2 =
        LaplaceMechanism.of(PrivacyBudget.pure(epsilon), sensitivity, SeededNoise.uniform(2));
    Result ok =
        EmpiricalPrivacyCheck.check(
            () -> m1.addNoise(0.0),
            () -> m2.addNoise(sensitivity),
            400_000,
            -6,
            7,
            52,
            epsilon,
            0.0);
    assertTrue(ok.passed(), ok.toString());
    assertTrue(ok.bucketsCompared() > 60, ok.toString());

    // Half the noise: calibrated for 2 epsilon, checked against epsilon.
    LaplaceMechanism h1 =
        LaplaceMechanism.of(PrivacyBudget.pure(2 * epsilon), sensitivity, SeededNoise.uniform(3));
    LaplaceMechanism h2 =
        LaplaceMechanism.of(PrivacyBudget.pure(2 * epsilon), sensitivity, SeededNoise.uniform(4));
    Result bad =
        EmpiricalPrivacyCheck.check(
            () -> h1.addNoise(0.0),
            () -> h2.addNoise(sensitivity),
            400_000,
            -6,
            7,
            52,
            epsilon,
            0.0);
    assertFalse(bad.passed(), bad.toString());
  }

  @Test
  void gaussianMechanismPassesAndHalfNoiseFails() {
    PrivacyBudget budget = PrivacyBudget.approximate(1.0, 1e-3);
    double sensitivity = 1.0;
    GaussianMechanism m1 = GaussianMechanism.of(budget, sensitivity, SeededNoise.uniform(5));
    GaussianMechanism m2 = GaussianMechanism.of(budget, sensitivity, SeededNoise.uniform(6));
    double sigma = m1.sigma();
    Result ok =
        EmpiricalPrivacyCheck.check(
            () -> m1.addNoise(0.0),
            () -> m2.addNoise(sensitivity),
            200_000,
            -4 * sigma,
            4 * sigma + 1,
            50,
            budget.epsilon(),
            budget.delta());
    assertTrue(ok.passed(), ok.toString());
    assertTrue(ok.bucketsCompared() > 60, ok.toString());

    // Half the noise: a mechanism with sigma / 2 (found by calibrating at a looser budget), checked
    // against the original budget.
    PrivacyBudget loose = PrivacyBudget.approximate(2.6, 1e-3);
    GaussianMechanism h1 = GaussianMechanism.of(loose, sensitivity, SeededNoise.uniform(7));
    GaussianMechanism h2 = GaussianMechanism.of(loose, sensitivity, SeededNoise.uniform(8));
    assertTrue(
        h1.sigma() <= 0.55 * sigma, "half-noise mechanism sigma " + h1.sigma() + " vs " + sigma);
    Result bad =
        EmpiricalPrivacyCheck.check(
            () -> h1.addNoise(0.0),
            () -> h2.addNoise(sensitivity),
            200_000,
            -4 * sigma,
            4 * sigma + 1,
            50,
            budget.epsilon(),
            budget.delta());
    assertFalse(bad.passed(), bad.toString());
  }
}

package org.dp4j.core.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.testing.RefData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class GaussianCalibrationTest {

  static Stream<RefData.Row> calibrationRows() {
    return RefData.load("gaussian_calibration.csv").stream();
  }

  @ParameterizedTest
  @MethodSource("calibrationRows")
  void analyticSigmaMatchesHighPrecisionReference(RefData.Row row) {
    double eps = row.number("eps");
    double delta = row.number("delta");
    double expected = row.number("sigma_analytic_mpmath");
    double sigma = GaussianCalibration.analyticSigma(PrivacyBudget.approximate(eps, delta), 1.0);
    assertEquals(expected, sigma, 1e-6 * expected, row::toString);
    // The returned sigma is on the private side: its exact delta does not exceed the target.
    assertTrue(
        GaussianCalibration.delta(new GaussianEvent(sigma), eps) <= delta * (1 + 1e-9),
        row::toString);
  }

  @ParameterizedTest
  @MethodSource("calibrationRows")
  void exactEpsilonAndDeltaAtClassicSigmaMatchReference(RefData.Row row) {
    double eps = row.number("eps");
    double delta = row.number("delta");
    double classic = row.number("sigma_classic_dwork_roth");
    GaussianEvent mechanism = new GaussianEvent(classic);
    assertEquals(
        row.number("delta_actual_at_classic_sigma"),
        GaussianCalibration.delta(mechanism, eps),
        1e-6 * row.number("delta_actual_at_classic_sigma"),
        row::toString);
    assertEquals(
        row.number("eps_actual_at_classic_sigma"),
        GaussianCalibration.epsilon(mechanism, delta),
        1e-6 * row.number("eps_actual_at_classic_sigma"),
        row::toString);
  }

  @ParameterizedTest
  @MethodSource("calibrationRows")
  void classicSigmaIsOnlyOfferedWhereItsTheoremHolds(RefData.Row row) {
    PrivacyBudget budget = PrivacyBudget.approximate(row.number("eps"), row.number("delta"));
    if (Boolean.parseBoolean(row.text("classic_theorem_applies_eps_lt_1"))) {
      assertEquals(
          row.number("sigma_classic_dwork_roth"),
          GaussianCalibration.classicSigma(budget, 1.0),
          1e-12 * row.number("sigma_classic_dwork_roth"));
    } else {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> GaussianCalibration.classicSigma(budget, 1.0));
      assertTrue(e.getMessage().contains("budget.epsilon must be in (0, 1)"), e.getMessage());
    }
  }

  @Test
  void sigmaScalesLinearlyWithSensitivity() {
    PrivacyBudget budget = PrivacyBudget.approximate(1.0, 1e-5);
    double unit = GaussianCalibration.analyticSigma(budget, 1.0);
    assertEquals(3.7 * unit, GaussianCalibration.analyticSigma(budget, 3.7), 1e-12 * unit);
  }

  @Test
  void epsilonAndDeltaAreInverse() {
    for (double s : List.of(0.3, 0.8, 1.0, 2.5, 10.0, 100.0)) {
      for (double delta : List.of(1e-3, 1e-6, 1e-10)) {
        GaussianEvent mechanism = new GaussianEvent(s);
        double eps = GaussianCalibration.epsilon(mechanism, delta);
        assertTrue(
            GaussianCalibration.delta(mechanism, eps) <= delta * (1 + 1e-9), () -> s + " " + delta);
        // The bisection's upper end is tight: slightly smaller epsilon no longer meets delta.
        if (eps > 1e-9) {
          assertTrue(
              GaussianCalibration.delta(mechanism, eps * (1 - 1e-9)) > delta * (1 - 1e-6),
              () -> s + " " + delta);
        }
      }
    }
  }

  @Test
  void noNoiseMeansNoGuarantee() {
    assertEquals(1.0, GaussianCalibration.delta(new GaussianEvent(0.0), 5.0));
    assertEquals(
        Double.POSITIVE_INFINITY, GaussianCalibration.epsilon(new GaussianEvent(0.0), 1e-5));
  }

  @Test
  void hugeNoiseMeansZeroEpsilon() {
    assertEquals(0.0, GaussianCalibration.epsilon(new GaussianEvent(1e6), 1e-5));
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, -1.0, 0.0, Double.POSITIVE_INFINITY})
  void rejectsBadSensitivity(double bad) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GaussianCalibration.analyticSigma(PrivacyBudget.approximate(1, 1e-5), bad));
    assertEquals("l2Sensitivity must be positive and finite, got " + bad, e.getMessage());
  }

  @Test
  void rejectsPureBudgetAndBadDelta() {
    assertThrows(
        IllegalArgumentException.class,
        () -> GaussianCalibration.analyticSigma(PrivacyBudget.pure(1), 1));
    GaussianEvent one = new GaussianEvent(1.0);
    assertThrows(IllegalArgumentException.class, () -> GaussianCalibration.epsilon(one, 0.0));
    assertThrows(IllegalArgumentException.class, () -> GaussianCalibration.epsilon(one, 1.0));
    assertThrows(
        IllegalArgumentException.class,
        () -> GaussianCalibration.epsilon(new GaussianEvent(Double.NaN), 1e-5));
    assertThrows(IllegalArgumentException.class, () -> GaussianCalibration.delta(one, Double.NaN));
    assertThrows(
        IllegalArgumentException.class,
        () -> GaussianCalibration.noiseMultiplier(PrivacyBudget.approximate(-1, 1e-5)));
  }

  /**
   * sigma is non-increasing in epsilon over the whole range of doubles: a sweep of 10 epsilons per
   * decade from 1e-3 to Double.MAX_VALUE (and 0). Above epsilon = 1e154, Phi(a) underflowed even in
   * log space and made sigma jump back to 1.0 (at 1e160, against 7.07e-76 at 1e150).
   */
  @ParameterizedTest
  @ValueSource(doubles = {0.3, 1e-5, 1e-10, 1e-300})
  void sigmaIsNonIncreasingInEpsilonUpToTheLargestDouble(double delta) {
    double previous = GaussianCalibration.noiseMultiplier(PrivacyBudget.approximate(0.0, delta));
    for (int i = -30; i <= 3085; i++) {
      double eps = Math.min(Math.pow(10, i / 10.0), Double.MAX_VALUE);
      double sigma = GaussianCalibration.noiseMultiplier(PrivacyBudget.approximate(eps, delta));
      assertTrue(sigma > 0 && sigma <= previous, () -> "eps " + eps + ": " + sigma);
      previous = sigma;
    }
  }

  /**
   * For huge epsilon the subtracted term e^eps Phi(b) is negligible (|b| ~ sqrt(2 eps)), so the
   * smallest sigma solves Phi(1/(2s) - eps s) = delta: s = (-z + sqrt(z^2 + 2 eps)) / (2 eps) = 1 /
   * (z + sqrt(z^2 + 2 eps)) with z = Phi^-1(delta), and the true sigma is at most that. The
   * returned sigma must be at least it (private side) and within 1e-14 (a few ulps of rounding
   * allowance).
   */
  @ParameterizedTest
  @ValueSource(doubles = {1e30, 1e100, 1e150, 1e160, 1e250, 1e308, Double.MAX_VALUE})
  void hugeEpsilonMatchesTheAsymptoticSigmaFromAbove(double eps) {
    double delta = 1e-5;
    double z = -4.264890793922825; // Phi^-1(1e-5), mpmath
    double asymptotic = 1 / (z + Math.sqrt(2) * Math.sqrt(eps + z * z / 2));
    double sigma = GaussianCalibration.noiseMultiplier(PrivacyBudget.approximate(eps, delta));
    assertTrue(sigma >= asymptotic * (1 - 1e-15), eps + ": " + sigma + " < " + asymptotic);
    assertTrue(sigma <= asymptotic * (1 + 1e-14), eps + ": " + sigma + " vs " + asymptotic);
    assertTrue(GaussianCalibration.delta(new GaussianEvent(sigma), eps) <= delta);
  }

  @Test
  void sensitivityThatWouldOverflowSigmaIsRejectedWithTheLimit() {
    PrivacyBudget budget = PrivacyBudget.approximate(1.0, 1e-5);
    double multiplier = GaussianCalibration.noiseMultiplier(PrivacyBudget.approximate(1.0, 1e-5));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> GaussianCalibration.analyticSigma(budget, 1e308));
    assertTrue(e.getMessage().startsWith("l2Sensitivity must be at most "), e.getMessage());
    assertTrue(e.getMessage().endsWith(", got 1.0E308"), e.getMessage());
    double limit = Double.parseDouble(e.getMessage().split(" ")[5]);
    // The stated limit itself works, and is the largest that does.
    double sigma = GaussianCalibration.analyticSigma(budget, limit);
    assertTrue(sigma < Double.POSITIVE_INFINITY && sigma == limit * multiplier);
    assertThrows(
        IllegalArgumentException.class,
        () -> GaussianCalibration.analyticSigma(budget, Math.nextUp(limit)));
    // Large epsilon needs little noise: there even the largest double is fine.
    assertTrue(
        GaussianCalibration.analyticSigma(PrivacyBudget.approximate(100, 1e-5), Double.MAX_VALUE)
            < Double.POSITIVE_INFINITY);
  }
}

package org.dp4j.core.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.dp4j.core.PrivacyBudget;
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
    assertTrue(GaussianCalibration.delta(sigma, eps) <= delta * (1 + 1e-9), row::toString);
  }

  @ParameterizedTest
  @MethodSource("calibrationRows")
  void exactEpsilonAndDeltaAtClassicSigmaMatchReference(RefData.Row row) {
    double eps = row.number("eps");
    double delta = row.number("delta");
    double classic = row.number("sigma_classic_dwork_roth");
    assertEquals(row.number("delta_actual_at_classic_sigma"), GaussianCalibration.delta(classic, eps),
        1e-6 * row.number("delta_actual_at_classic_sigma"), row::toString);
    assertEquals(row.number("eps_actual_at_classic_sigma"), GaussianCalibration.epsilon(classic, delta),
        1e-6 * row.number("eps_actual_at_classic_sigma"), row::toString);
  }

  @ParameterizedTest
  @MethodSource("calibrationRows")
  void classicSigmaIsOnlyOfferedWhereItsTheoremHolds(RefData.Row row) {
    PrivacyBudget budget = PrivacyBudget.approximate(row.number("eps"), row.number("delta"));
    if (Boolean.parseBoolean(row.text("classic_theorem_applies_eps_lt_1"))) {
      assertEquals(row.number("sigma_classic_dwork_roth"), GaussianCalibration.classicSigma(budget, 1.0),
          1e-12 * row.number("sigma_classic_dwork_roth"));
    } else {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> GaussianCalibration.classicSigma(budget, 1.0));
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
        double eps = GaussianCalibration.epsilon(s, delta);
        assertTrue(GaussianCalibration.delta(s, eps) <= delta * (1 + 1e-9), () -> s + " " + delta);
        // The bisection's upper end is tight: slightly smaller epsilon no longer meets delta.
        if (eps > 1e-9) {
          assertTrue(GaussianCalibration.delta(s, eps * (1 - 1e-9)) > delta * (1 - 1e-6), () -> s + " " + delta);
        }
      }
    }
  }

  @Test
  void noNoiseMeansNoGuarantee() {
    assertEquals(1.0, GaussianCalibration.delta(0.0, 5.0));
    assertEquals(Double.POSITIVE_INFINITY, GaussianCalibration.epsilon(0.0, 1e-5));
  }

  @Test
  void hugeNoiseMeansZeroEpsilon() {
    assertEquals(0.0, GaussianCalibration.epsilon(1e6, 1e-5));
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, -1.0, 0.0, Double.POSITIVE_INFINITY})
  void rejectsBadSensitivity(double bad) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GaussianCalibration.analyticSigma(PrivacyBudget.approximate(1, 1e-5), bad));
    assertEquals("l2Sensitivity must be positive and finite, got " + bad, e.getMessage());
  }

  @Test
  void rejectsPureBudgetAndBadDelta() {
    assertThrows(IllegalArgumentException.class, () -> GaussianCalibration.analyticSigma(PrivacyBudget.pure(1), 1));
    assertThrows(IllegalArgumentException.class, () -> GaussianCalibration.epsilon(1.0, 0.0));
    assertThrows(IllegalArgumentException.class, () -> GaussianCalibration.epsilon(1.0, 1.0));
    assertThrows(IllegalArgumentException.class, () -> GaussianCalibration.epsilon(Double.NaN, 1e-5));
    assertThrows(IllegalArgumentException.class, () -> GaussianCalibration.delta(1.0, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> GaussianCalibration.noiseMultiplier(-1, 1e-5));
  }
}

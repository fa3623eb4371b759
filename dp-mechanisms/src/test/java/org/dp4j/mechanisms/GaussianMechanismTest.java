package org.dp4j.mechanisms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.calibration.GaussianCalibration;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.mechanisms.stats.GoodnessOfFit;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GaussianMechanismTest {

  private static GaussianMechanism mechanism(
      double epsilon, double delta, double sensitivity, long seed) {
    return GaussianMechanism.of(
        PrivacyBudget.approximate(epsilon, delta), sensitivity, SeededNoise.uniform(seed));
  }

  @ParameterizedTest(name = "eps {0}, delta {1}, sensitivity {2}")
  @CsvSource({
    "1,1e-5,1",
    "0.1,1e-9,3",
    "10,1e-3,0.001",
    "0,1e-5,1",
    "2,1e-7,1e6",
    "0.5,1e-5,1e-200"
  })
  void sigmaIsAtLeastTheAnalyticSigmaAndTheEventCoversIt(
      double epsilon, double delta, double sensitivity) {
    GaussianMechanism m = mechanism(epsilon, delta, sensitivity, 1);
    double analytic =
        GaussianCalibration.analyticSigma(PrivacyBudget.approximate(epsilon, delta), sensitivity);
    assertTrue(m.sigma() >= analytic, m + " vs analytic " + analytic);
    // Margin: one grid step of sensitivity (2^-40 relative) and 2^-20 relative on delta.
    assertTrue(m.sigma() <= analytic * (1 + 1e-5), m + " vs analytic " + analytic);
    // Stated for the filter's relation: the same Gaussian under both relations, never rescaled.
    PerRelationEvent perRelation = (PerRelationEvent) m.event();
    assertEquals(perRelation.addOrRemoveOne(), perRelation.replaceOne());
    GaussianEvent event = (GaussianEvent) perRelation.addOrRemoveOne();
    assertEquals(event.noiseMultiplier(), m.noiseMultiplierFor(sensitivity));
    // The event's noise multiplier certifies the budget for the original sensitivity.
    assertTrue(event.noiseMultiplier() * sensitivity <= m.sigma() * (1 + 1e-15));
    assertTrue(GaussianCalibration.delta(event, epsilon) <= delta, m.toString());
    double g = m.granularity();
    assertTrue(PowerOfTwoGridTest.isPowerOfTwo(g), "granularity must be a power of two: " + g);
  }

  @Test
  void noiseFitsTheNormalDistributionAndTheFitRejectsAWrongSigma() {
    GaussianMechanism m = mechanism(1.0, 1e-5, 1.0, 17);
    int n = 50_000;
    double[] noise = new double[n];
    for (int i = 0; i < n; i++) {
      noise[i] = m.addNoise(0.0);
    }
    // KS p-value above 1e-6: false failure 1e-6.
    assertTrue(
        GoodnessOfFit.kolmogorovSmirnovPValue(noise, new NormalDistribution(null, 0, m.sigma()))
            > GoodnessOfFit.FALSE_FAILURE_RATE);
    assertTrue(
        GoodnessOfFit.kolmogorovSmirnovPValue(
                noise, new NormalDistribution(null, 0, 1.1 * m.sigma()))
            < GoodnessOfFit.FALSE_FAILURE_RATE);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.95})
  void confidenceIntervalsCoverAtTheirLevel(double level) {
    GaussianMechanism m = mechanism(1.0, 1e-6, 1.0, 19);
    int n = 20_000;
    int covered = 0;
    for (int i = 0; i < n; i++) {
      covered += m.confidenceInterval(m.addNoise(-5.0), level).contains(-5.0) ? 1 : 0;
    }
    // Within 5.3 binomial standard deviations of the level (false failure ~1.2e-7).
    assertEquals(level, (double) covered / n, GoodnessOfFit.binomialTolerance(level, n));
  }

  @Test
  void largeAndTinyInputsStayOnTheGrid() {
    GaussianMechanism m = mechanism(1.0, 1e-6, 1.0, 23);
    for (double value : new double[] {1e300, -1e300, Double.MAX_VALUE, 1e-310, 4.5e15}) {
      double y = m.addNoise(value);
      double steps = y / m.granularity();
      assertTrue(Double.isInfinite(steps) || steps == Math.rint(steps), "off grid: " + y);
    }
  }

  @Test
  void rejectsBadArgumentsWithClearMessages() {
    assertEquals(
        "budget.delta must be positive for the Gaussian mechanism, got 0.0",
        assertThrows(
                IllegalArgumentException.class,
                () -> GaussianMechanism.of(PrivacyBudget.pure(1), 1.0))
            .getMessage());
    for (double bad :
        new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -1.0}) {
      assertEquals(
          "l2Sensitivity must be positive and finite, got " + bad,
          assertThrows(
                  IllegalArgumentException.class,
                  () -> GaussianMechanism.of(PrivacyBudget.approximate(1, 1e-5), bad))
              .getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> PrivacyBudget.approximate(1, 1.0));
    assertThrows(IllegalArgumentException.class, () -> PrivacyBudget.approximate(Double.NaN, 1e-5));
    assertThrows(NullPointerException.class, () -> GaussianMechanism.of(null, 1.0));
    GaussianMechanism m = mechanism(1, 1e-5, 1, 1);
    assertThrows(IllegalArgumentException.class, () -> m.addNoise(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> m.addNoise(Double.NEGATIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> m.confidenceInterval(0, 1.0));
  }
}

package org.dp4j.mechanisms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.distribution.LaplaceDistribution;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.mechanisms.stats.GoodnessOfFit;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LaplaceMechanismTest {

  private static LaplaceMechanism mechanism(double epsilon, double sensitivity, long seed) {
    return LaplaceMechanism.of(PrivacyBudget.pure(epsilon), sensitivity, SeededNoise.uniform(seed));
  }

  @ParameterizedTest(name = "eps {0}, sensitivity {1}")
  @CsvSource({"1,1", "0.1,3", "5,0.001", "1e-6,1", "1000,1e6", "0.5,1e-300", "2e4,1"})
  void scaleIsNeverBelowSensitivityOverEpsilonAndBarelyAbove(double epsilon, double sensitivity) {
    LaplaceMechanism m = mechanism(epsilon, sensitivity, 1);
    double exact = sensitivity / epsilon;
    assertTrue(m.scale() >= exact, m.toString());
    // The grid adds one step of sensitivity and the ceiling one step of scale: relative 2^-38 at
    // most.
    assertTrue(m.scale() <= exact * (1 + 0x1.0p-30) + 2 * m.granularity(), m.toString());
    double g = m.granularity();
    assertTrue(PowerOfTwoGridTest.isPowerOfTwo(g), "granularity must be a power of two: " + g);
    assertEquals(EpsilonDeltaEvent.pure(epsilon), m.event());
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {
        0.0,
        1.0,
        -2.5,
        1e-300,
        3.7e10,
        -1e300,
        Double.MAX_VALUE,
        -Double.MAX_VALUE,
        Double.MIN_VALUE
      })
  void outputsLieOnTheGridAndNearTheInput(double value) {
    LaplaceMechanism m = mechanism(1.0, 1.0, 7);
    for (int i = 0; i < 200; i++) {
      double y = m.addNoise(value);
      double steps = y / m.granularity();
      assertTrue(Double.isInfinite(y) || steps == Math.rint(steps), "off the grid: " + y);
      if (Math.abs(value) < 1e15) {
        // |noise| > 60 scales has probability exp(-60), about 1e-26.
        assertTrue(Math.abs(y - value) < 60 * m.scale(), y + " too far from " + value);
      }
    }
  }

  @Test
  void noiseFitsTheLaplaceDistributionAndTheFitRejectsAWrongScale() {
    LaplaceMechanism m = mechanism(0.5, 1.0, 11);
    int n = 100_000;
    double[] noise = new double[n];
    for (int i = 0; i < n; i++) {
      noise[i] = m.addNoise(0.0);
    }
    // KS p-value above 1e-6: false failure 1e-6 (the grid step is 2^-40 of the scale, invisible
    // here).
    assertTrue(
        GoodnessOfFit.kolmogorovSmirnovPValue(noise, new LaplaceDistribution(null, 0, m.scale()))
            > GoodnessOfFit.FALSE_FAILURE_RATE);
    assertTrue(
        GoodnessOfFit.kolmogorovSmirnovPValue(
                noise, new LaplaceDistribution(null, 0, 1.1 * m.scale()))
            < GoodnessOfFit.FALSE_FAILURE_RATE);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.9, 0.99})
  void confidenceIntervalsCoverAtTheirLevel(double level) {
    LaplaceMechanism m = mechanism(1.0, 2.0, 13);
    int n = 40_000;
    int covered = 0;
    double truth = 12.34;
    for (int i = 0; i < n; i++) {
      covered += m.confidenceInterval(m.addNoise(truth), level).contains(truth) ? 1 : 0;
    }
    double rate = (double) covered / n;
    // Coverage within 5.3 binomial standard deviations of the level (false failure ~1.2e-7); the
    // interval is exact up to one grid step, so it is neither too narrow nor too wide.
    assertEquals(level, rate, GoodnessOfFit.binomialTolerance(level, n));
    ConfidenceInterval ci = m.confidenceInterval(0.0, 0.95);
    // Laplace: half-width b ln(1 / (1 - level)) = 2 ln 20.
    assertEquals(2 * 2.0 * Math.log(20), ci.width(), 1e-6);
  }

  @Test
  void rejectsBadArgumentsWithClearMessages() {
    assertEquals(
        "budget.delta must be 0 for the Laplace mechanism, got 1.0E-5",
        assertThrows(
                IllegalArgumentException.class,
                () -> LaplaceMechanism.of(PrivacyBudget.approximate(1, 1e-5), 1.0))
            .getMessage());
    assertEquals(
        "budget.epsilon must be positive and finite, got 0.0",
        assertThrows(
                IllegalArgumentException.class,
                () -> LaplaceMechanism.of(PrivacyBudget.pure(0), 1.0))
            .getMessage());
    for (double bad :
        new double[] {
          Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, -1.0
        }) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> LaplaceMechanism.of(PrivacyBudget.pure(1), bad));
      assertEquals("l1Sensitivity must be positive and finite, got " + bad, e.getMessage());
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> LaplaceMechanism.of(PrivacyBudget.pure(1e-300), Double.MAX_VALUE));
    assertThrows(NullPointerException.class, () -> LaplaceMechanism.of(null, 1.0));
    assertThrows(
        NullPointerException.class, () -> LaplaceMechanism.of(PrivacyBudget.pure(1), 1.0, null));
    LaplaceMechanism m = mechanism(1.0, 1.0, 1);
    for (double bad :
        new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertEquals(
          "value must be finite, got " + bad,
          assertThrows(IllegalArgumentException.class, () -> m.addNoise(bad)).getMessage());
      assertThrows(IllegalArgumentException.class, () -> m.confidenceInterval(bad, 0.9));
    }
    for (double level : new double[] {0.0, 1.0, -0.5, 1.5, Double.NaN}) {
      assertThrows(IllegalArgumentException.class, () -> m.confidenceInterval(0.0, level));
    }
  }

  @Test
  void theDefaultFactoryUsesTheSecureSource() {
    LaplaceMechanism a = LaplaceMechanism.of(PrivacyBudget.pure(1), 1.0);
    LaplaceMechanism b = LaplaceMechanism.of(PrivacyBudget.pure(1), 1.0);
    // Two secure instances agree on a release with probability about 2^-40.
    assertTrue(a.addNoise(0.0) != b.addNoise(0.0));
  }

  /**
   * At tiny epsilon the noise scale is capped at 2^51 grid steps, so the integer sampler never
   * overflows (with the scale at 2^61 steps, 213 of these 20,000 draws threw an
   * ArithmeticException).
   */
  @Test
  void tinyEpsilonNeverOverflowsTheSampler() {
    LaplaceMechanism m =
        LaplaceMechanism.of(PrivacyBudget.pure(1e-12), 1.0, SeededNoise.uniform(9));
    assertTrue(m.scale() / m.granularity() < 0x1p52, m.toString());
    for (int i = 0; i < 20_000; i++) {
      assertTrue(Double.isFinite(m.addNoise(0.0)));
    }
    // The cost is still the budget, and the scale still covers it.
    assertEquals(1e-12, m.epsilonFor(1.0));
    assertTrue(m.scale() >= 1e12);
  }

  @Test
  void epsilonForScalesWithTheGridShift() {
    LaplaceMechanism m = LaplaceMechanism.of(PrivacyBudget.pure(0.5), 1.0, SeededNoise.uniform(10));
    assertEquals(0.5, m.epsilonFor(1.0));
    assertEquals(0.0, m.epsilonFor(0.0));
    double d = Math.floor(1.0 / m.granularity()) + 1;
    double twice = Math.floor(2.0 / m.granularity()) + 1;
    // epsilon * D(2) / D(1), rounded up by at most a relative 2^-47.
    double expected = 0.5 * twice / d;
    assertTrue(m.epsilonFor(2.0) >= expected && m.epsilonFor(2.0) <= expected * (1 + 0x1p-47));
    assertThrows(IllegalArgumentException.class, () -> m.epsilonFor(-1));
    assertThrows(IllegalArgumentException.class, () -> m.epsilonFor(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> m.epsilonFor(Double.POSITIVE_INFINITY));
  }
}

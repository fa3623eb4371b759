package org.dp4j.core.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.BasicCompositionAccountant;
import org.dp4j.core.accounting.OptimalCompositionAccountant;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The search itself, on event families with closed-form answers. */
class NoiseCalibrationTest {

  @ParameterizedTest
  @ValueSource(doubles = {0.01, 0.3, 1.0, 2.0, 7.5, 100.0})
  void findsTheLaplaceScaleOfBasicComposition(double targetEpsilon) {
    // 10 Laplace releases with multiplier b cost 10/b: the answer is b = 10/eps.
    NoiseCalibration.Result result =
        NoiseCalibration.noiseMultiplier(
            PrivacyBudget.pure(targetEpsilon),
            b -> new SelfComposedEvent(new LaplaceEvent(b), 10),
            BasicCompositionAccountant::new,
            1e-9);
    double exact = 10 / targetEpsilon;
    assertTrue(result.noiseMultiplier() >= exact * (1 - 1e-15), () -> result + " vs " + exact);
    assertEquals(exact, result.noiseMultiplier(), 1e-8 * exact);
    assertTrue(result.epsilon() <= targetEpsilon);
  }

  @Test
  void defaultToleranceStaysWithinItsBound() {
    NoiseCalibration.Result result =
        NoiseCalibration.noiseMultiplier(
            PrivacyBudget.pure(0.7),
            b -> new PoissonSampledEvent(0.05, new LaplaceEvent(b)),
            BasicCompositionAccountant::new,
            NoiseCalibration.DEFAULT_RELATIVE_TOLERANCE);
    // eps(b) = log(1 + q (e^{1/b} - 1)) = 0.7  =>  b = 1 / log(1 + (e^{0.7} - 1)/q)
    double exact = 1 / Math.log1p(Math.expm1(0.7) / 0.05);
    assertTrue(result.noiseMultiplier() >= exact);
    assertTrue(
        result.noiseMultiplier() <= exact * (1 + NoiseCalibration.DEFAULT_RELATIVE_TOLERANCE));
    assertTrue(result.evaluations() < 40, () -> "evaluations: " + result.evaluations());
  }

  @Test
  void worksWhenTheEpsilonCurveHasPlateausAndSteps() {
    // KOV epsilon as a function of eps0 via a Laplace multiplier: monotone, not smooth.
    NoiseCalibration.Result result =
        NoiseCalibration.noiseMultiplier(
            PrivacyBudget.approximate(1.0, 1e-6),
            b -> new SelfComposedEvent(new LaplaceEvent(b), 100),
            OptimalCompositionAccountant::new,
            1e-6);
    OptimalCompositionAccountant check = new OptimalCompositionAccountant();
    check.compose(new LaplaceEvent(result.noiseMultiplier()), 100);
    assertTrue(check.epsilon(1e-6) <= 1.0);
    OptimalCompositionAccountant tighter = new OptimalCompositionAccountant();
    tighter.compose(new LaplaceEvent(result.noiseMultiplier() * (1 - 2e-6)), 100);
    assertTrue(tighter.epsilon(1e-6) > 1.0);
  }

  @Test
  void unreachableTargetIsAClearError() {
    // An (1, 0)-DP component that no noise can reduce.
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                NoiseCalibration.noiseMultiplier(
                    PrivacyBudget.pure(0.5),
                    b ->
                        org.dp4j.core.event.ComposedEvent.of(
                            EpsilonDeltaEvent.pure(1.0), new LaplaceEvent(b)),
                    BasicCompositionAccountant::new,
                    1e-4));
    assertTrue(e.getMessage().startsWith("target.epsilon 0.5 is not reachable"), e.getMessage());
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            NoiseCalibration.dpSgdNoiseMultiplier(
                PrivacyBudget.approximate(1, 1e-5), 0.0, 100, BasicCompositionAccountant::new));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            NoiseCalibration.dpSgdNoiseMultiplier(
                PrivacyBudget.approximate(1, 1e-5), 1.5, 100, BasicCompositionAccountant::new));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            NoiseCalibration.dpSgdNoiseMultiplier(
                PrivacyBudget.approximate(1, 1e-5),
                Double.NaN,
                100,
                BasicCompositionAccountant::new));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            NoiseCalibration.dpSgdNoiseMultiplier(
                PrivacyBudget.approximate(1, 1e-5), 0.1, 0, BasicCompositionAccountant::new));
    IllegalArgumentException zero =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                NoiseCalibration.dpSgdNoiseMultiplier(
                    PrivacyBudget.approximate(0, 1e-5), 0.1, 10, BasicCompositionAccountant::new));
    assertEquals("target.epsilon must be positive, got 0.0", zero.getMessage());
  }
}

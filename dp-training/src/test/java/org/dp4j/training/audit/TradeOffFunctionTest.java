package org.dp4j.training.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The trade-off functions an f-DP audit tests, and the inverse blow-up it uses. */
class TradeOffFunctionTest {

  /** Phi(-1), Phi(-2) and Phi(0.5 - 1) from tables (Abramowitz &amp; Stegun 26.2). */
  private static final double PHI_MINUS_1 = 0.15865525393145705;

  private static final double PHI_MINUS_2 = 0.022750131948179195;

  @Test
  void gaussianCurveAndInverseBlowUp() {
    TradeOffFunction f = TradeOffFunction.gaussian(1);
    // f(1/2) = Phi(Phi^-1(1/2) - 1) = Phi(-1); g^-1(1/2) = Phi(0 - 1) too.
    assertEquals(PHI_MINUS_1, f.typeTwoError(0.5), 1e-14);
    assertEquals(PHI_MINUS_1, f.blowUpInverse(0.5), 1e-9 * PHI_MINUS_1 + 1e-16);
    assertTrue(f.blowUpInverse(0.5) <= PHI_MINUS_1, "rounded down");
    // g^-1(Phi(-1)) = Phi(-2).
    assertEquals(PHI_MINUS_2, f.blowUpInverse(PHI_MINUS_1), 2e-9 * PHI_MINUS_2);
    assertEquals(1, f.typeTwoError(0), 1e-15);
    assertEquals(0, f.typeTwoError(1), 1e-15);
    assertEquals(0, f.blowUpInverse(0));
    // mu = 0 is perfect privacy: f(alpha) = 1 - alpha, g^-1(r) = r.
    assertEquals(0.7, TradeOffFunction.gaussian(0).typeTwoError(0.3), 1e-12);
    assertEquals(0.3, TradeOffFunction.gaussian(0).blowUpInverse(0.3), 1e-9);
  }

  @Test
  void gaussianCurveIsSymmetric() {
    TradeOffFunction f = TradeOffFunction.gaussian(1.7);
    for (double alpha = 0.01; alpha < 1; alpha += 0.07) {
      assertEquals(alpha, f.typeTwoError(f.typeTwoError(alpha)), 1e-10, "f(f(" + alpha + "))");
    }
  }

  @Test
  void epsilonDeltaCurveIsWorkedByHand() {
    TradeOffFunction f = TradeOffFunction.epsilonDelta(Math.log(2), 0.1);
    // f(alpha) = max(0, 0.9 - 2 alpha, (0.9 - alpha) / 2).
    assertEquals(0.9, f.typeTwoError(0), 1e-15);
    assertEquals(0.5, f.typeTwoError(0.2), 1e-15); // 0.9 - 0.4 = 0.5 > 0.35
    assertEquals(0.2, f.typeTwoError(0.5), 1e-15); // (0.9 - 0.5) / 2 = 0.2 > -0.1
    assertEquals(0, f.typeTwoError(0.95), 1e-15);
    // g(h) = min(1, 0.1 + 2 h, 1 - (0.9 - h) / 2): g^-1(0.5) = max(0.2, 0.9 - 2 * 0.5) = 0.2;
    // g^-1(0.9) = max(0.4, 0.9 - 0.2) = 0.7; below delta nothing is needed.
    assertEquals(0.2, f.blowUpInverse(0.5), 1e-9);
    assertEquals(0.7, f.blowUpInverse(0.9), 1e-9);
    assertEquals(0, f.blowUpInverse(0.05));
  }

  @Test
  void privacyProfileIsTheEnvelopeOfItsPoints() {
    TradeOffFunction a = TradeOffFunction.epsilonDelta(0.5, 0.2);
    TradeOffFunction b = TradeOffFunction.epsilonDelta(2, 0.01);
    TradeOffFunction both =
        TradeOffFunction.privacyProfile(new double[] {0.5, 2}, new double[] {0.2, 0.01});
    for (double x = 0; x <= 1; x += 0.05) {
      assertEquals(Math.max(a.typeTwoError(x), b.typeTwoError(x)), both.typeTwoError(x), 1e-15);
      assertEquals(Math.max(a.blowUpInverse(x), b.blowUpInverse(x)), both.blowUpInverse(x), 1e-15);
    }
    // A delta of 1 states nothing.
    TradeOffFunction nothing = TradeOffFunction.privacyProfile(new double[] {0}, new double[] {1});
    assertEquals(0, nothing.typeTwoError(0.3), 1e-15);
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, -0.1, 1.1})
  void aBadProbabilityIsRefused(double x) {
    TradeOffFunction f = TradeOffFunction.gaussian(1);
    assertEquals(
        "alpha must be in [0, 1], got " + x,
        assertThrows(IllegalArgumentException.class, () -> f.typeTwoError(x)).getMessage());
    assertEquals(
        "r must be in [0, 1], got " + x,
        assertThrows(IllegalArgumentException.class, () -> f.blowUpInverse(x)).getMessage());
  }

  @Test
  void badParametersAreRefused() {
    assertEquals(
        "mu must be non-negative and finite, got NaN",
        assertThrows(IllegalArgumentException.class, () -> TradeOffFunction.gaussian(Double.NaN))
            .getMessage());
    assertEquals(
        "delta must be in [0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> TradeOffFunction.epsilonDelta(1, 1))
            .getMessage());
    assertEquals(
        "deltas.length must be equal to epsilons.length 2, got 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> TradeOffFunction.privacyProfile(new double[] {0, 1}, new double[] {0.5}))
            .getMessage());
    assertEquals(
        "epsilons must be not empty, got an empty array",
        assertThrows(
                IllegalArgumentException.class,
                () -> TradeOffFunction.privacyProfile(new double[0], new double[0]))
            .getMessage());
  }
}

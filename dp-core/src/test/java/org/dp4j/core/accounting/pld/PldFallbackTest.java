package org.dp4j.core.accounting.pld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cases the PLD grid cannot represent at its accuracy target: the accountant reports the smaller of
 * the PLD and Renyi-DP upper bounds, says which, and never fails.
 */
class PldFallbackTest {

  private static final double DP_SGD_RATE = 0.004266666666666667;

  private static double rdpEpsilon(PrivacyEvent event, long count, double delta) {
    return new RdpAccountant().compose(event, count).epsilon(delta);
  }

  /** The reported epsilon is the smaller bound, and the record says which one. */
  private static void assertConsistent(PldEpsilon result) {
    assertTrue(result.epsilon() >= 0);
    double smaller =
        Double.isNaN(result.rdpEpsilon())
            ? result.pldEpsilon()
            : Math.min(result.pldEpsilon(), result.rdpEpsilon());
    assertEquals(smaller, result.epsilon());
    PldEpsilon.Bound expected =
        result.epsilon() == result.pldEpsilon() ? PldEpsilon.Bound.PLD : PldEpsilon.Bound.RDP;
    assertEquals(expected, result.bound());
  }

  @Test
  void tinyNoiseMultiplierIsFiniteInsteadOfAnException() {
    // Was a NegativeArraySizeException: one order's loss varies by about 1e-300, so the
    // spacing chosen from it made the grid indices overflow.
    PrivacyEvent step = new PoissonSampledEvent(DP_SGD_RATE, new GaussianEvent(0.01));
    PldAccountant accountant = new PldAccountant().compose(step, 10_000);
    PldEpsilon result = accountant.epsilonBound(1e-5);
    assertConsistent(result);
    assertTrue(result.epsilon() < Double.POSITIVE_INFINITY);
    assertTrue(result.epsilon() <= rdpEpsilon(step, 10_000, 1e-5));
    // Loss 1/(2 s^2) = 5000 per sampled step: about 43 sampled steps, so epsilon is far above 1e5.
    assertTrue(result.epsilon() > 1e5, "eps " + result.epsilon());
  }

  @ParameterizedTest
  @ValueSource(doubles = {1e100, 1e200, 1e308, Double.MAX_VALUE})
  void hugeNoiseMultipliersAreFiniteAndTiny(double sigma) {
    // Were +inf: the largest loss, of order 1e-308, was rounded to 0 and the grid stopped below
    // the mass just above it.
    PrivacyEvent step = new PoissonSampledEvent(DP_SGD_RATE, new GaussianEvent(sigma));
    PldAccountant accountant = new PldAccountant().compose(step, 10_000);
    PldEpsilon result = accountant.epsilonBound(1e-5);
    assertConsistent(result);
    assertTrue(result.epsilon() < 1e-6, "eps " + result.epsilon());
    PldAccountant single = new PldAccountant().compose(new GaussianEvent(sigma));
    assertTrue(single.epsilon(1e-5) < 1e-6);
  }

  @Test
  void countsBeyondTheGridUseTheRdpBoundAndSaySo() {
    PrivacyEvent step = new PoissonSampledEvent(DP_SGD_RATE, new GaussianEvent(1.1));
    long steps = Integer.MAX_VALUE;
    PldAccountant accountant = new PldAccountant().compose(step, steps);
    PldEpsilon result = accountant.epsilonBound(1e-5);
    assertConsistent(result);
    assertTrue(result.grid() != PldEpsilon.Grid.AS_CHOSEN, result.toString());
    double rdp = rdpEpsilon(step, steps, 1e-5);
    assertEquals(rdp, result.rdpEpsilon());
    assertTrue(result.epsilon() <= rdp && result.epsilon() < Double.POSITIVE_INFINITY);
    assertEquals(result.epsilon(), accountant.epsilon(1e-5));
    // delta() takes the smaller bound too: at the reported epsilon it meets the target.
    assertTrue(accountant.delta(result.epsilon()) <= 1e-5 * (1 + 1e-9));
  }

  @Test
  void astronomicalCountIsUnrepresentableAndFallsBackToRdp() {
    PrivacyEvent laplace = new LaplaceEvent(1.0);
    long count = Long.MAX_VALUE / 2;
    PldEpsilon result = new PldAccountant().compose(laplace, count).epsilonBound(1e-5);
    assertConsistent(result);
    assertEquals(PldEpsilon.Grid.UNREPRESENTABLE, result.grid());
    assertEquals(PldEpsilon.Bound.RDP, result.bound());
    assertEquals(Double.POSITIVE_INFINITY, result.pldEpsilon());
    assertEquals(rdpEpsilon(laplace, count, 1e-5), result.epsilon());
    assertTrue(result.describe().startsWith("Renyi DP (no privacy loss distribution grid"));
  }

  @Test
  void withoutAnRdpBoundTheUnrepresentableCaseReportsInfinity() {
    // (epsilon, delta > 0) events have no Renyi-DP bound: nothing to fall back on.
    PldEpsilon result =
        new PldAccountant()
            .compose(EpsilonDeltaEvent.approximate(1.0, 1e-30), Long.MAX_VALUE / 2)
            .epsilonBound(1e-5);
    assertConsistent(result);
    assertEquals(PldEpsilon.Grid.UNREPRESENTABLE, result.grid());
    assertEquals(Double.POSITIVE_INFINITY, result.epsilon());
    assertTrue(Double.isNaN(result.rdpEpsilon()));
    assertTrue(result.describe().contains("no Renyi DP bound for these events"), result.describe());
  }

  @Test
  void noiseTooSmallForAnyGridIsBoundedByRdp() {
    // A multiplier below 1e-6 is accounted as no noise at all by the PLD (+inf); RDP is finite.
    PrivacyEvent gaussian = new GaussianEvent(1e-7);
    PldEpsilon result = new PldAccountant().compose(gaussian).epsilonBound(1e-5);
    assertConsistent(result);
    assertEquals(PldEpsilon.Bound.RDP, result.bound());
    assertEquals(rdpEpsilon(gaussian, 1, 1e-5), result.epsilon());
    // Exactly zero noise stays infinite, and the grid is then exact.
    PldEpsilon none = new PldAccountant().compose(new GaussianEvent(0.0)).epsilonBound(1e-5);
    assertEquals(PldEpsilon.Grid.AS_CHOSEN, none.grid());
    assertEquals(Double.POSITIVE_INFINITY, none.epsilon());
  }

  @Test
  void ordinaryCasesUseThePldOnTheirChosenGrid() {
    PrivacyEvent step = new PoissonSampledEvent(DP_SGD_RATE, new GaussianEvent(1.1));
    PldAccountant accountant = new PldAccountant().compose(step, 10_000);
    PldEpsilon result = accountant.epsilonBound(1e-5);
    assertConsistent(result);
    assertEquals(PldEpsilon.Grid.AS_CHOSEN, result.grid());
    assertEquals(PldEpsilon.Bound.PLD, result.bound());
    assertEquals("privacy loss distribution", result.describe());
    assertEquals(accountant.epsilon(1e-5), result.epsilon());
    assertEquals(rdpEpsilon(step, 10_000, 1e-5), result.rdpEpsilon());
  }

  @Test
  void tinyDeltaBeyondTheFftAllowanceIsBoundedByRdp() {
    // At delta 1e-18 the PLD's FFT rounding allowance alone exceeds delta: the PLD certifies
    // nothing there, the Renyi-DP bound still does.
    PrivacyEvent step = new PoissonSampledEvent(DP_SGD_RATE, new GaussianEvent(1.1));
    PldAccountant accountant = new PldAccountant().compose(step, 10_000);
    PldEpsilon result = accountant.epsilonBound(1e-18);
    assertConsistent(result);
    assertEquals(PldEpsilon.Grid.AS_CHOSEN, result.grid());
    assertEquals(Double.POSITIVE_INFINITY, result.pldEpsilon());
    assertEquals(PldEpsilon.Bound.RDP, result.bound());
    assertEquals(rdpEpsilon(step, 10_000, 1e-18), result.epsilon());
    assertTrue(result.describe().startsWith("Renyi DP (the privacy loss distribution gave"));
    // And delta() agrees: at that epsilon it certifies the target.
    assertTrue(accountant.delta(result.epsilon()) <= 1e-18);
  }

  @Test
  void recordRejectsBadComponentsAndDescribesEveryCase() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new PldEpsilon(Double.NaN, PldEpsilon.Bound.PLD, PldEpsilon.Grid.AS_CHOSEN, 1, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new PldEpsilon(1, PldEpsilon.Bound.PLD, PldEpsilon.Grid.AS_CHOSEN, -1, 1));
    assertThrows(
        NullPointerException.class, () -> new PldEpsilon(1, null, PldEpsilon.Grid.AS_CHOSEN, 1, 1));
    assertThrows(
        NullPointerException.class, () -> new PldEpsilon(1, PldEpsilon.Bound.PLD, null, 1, 1));
    assertEquals(
        "privacy loss distribution on a coarsened grid (Renyi DP gave 3.0)",
        new PldEpsilon(2, PldEpsilon.Bound.PLD, PldEpsilon.Grid.COARSENED, 2, 3).describe());
    assertEquals(
        "Renyi DP (the privacy loss distribution on a coarsened grid gave 4.0)",
        new PldEpsilon(3, PldEpsilon.Bound.RDP, PldEpsilon.Grid.COARSENED, 4, 3).describe());
  }
}

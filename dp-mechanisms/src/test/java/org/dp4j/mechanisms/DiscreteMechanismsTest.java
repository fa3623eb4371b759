package org.dp4j.mechanisms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.BasicCompositionAccountant;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.ZcdpEvent;
import org.dp4j.mechanisms.random.TestKeys;
import org.dp4j.mechanisms.sampling.DiscreteDistributions;
import org.dp4j.mechanisms.stats.GoodnessOfFit;
import org.dp4j.mechanisms.stats.GoodnessOfFit.ChiSquare;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DiscreteLaplaceMechanism} and {@link DiscreteGaussianMechanism}: noise distribution
 * (chi-square against the exact pmf at false-failure rate 1e-6 per fit, fixed seeds, and the power
 * to reject a 10% wrong scale and the other shape with the same variance), events, saturation and
 * bad input.
 */
class DiscreteMechanismsTest {

  private static final int N = 200_000;

  private static long[] noise(LongSupplier release, long value, int n) {
    return LongStream.generate(() -> release.getAsLong() - value).limit(n).toArray();
  }

  private static ChiSquare fit(long[] samples, java.util.function.LongToDoubleFunction cdf) {
    // False-failure rate 1e-6 (chi-square critical value at that level; fixed seed).
    return GoodnessOfFit.chiSquare(samples, cdf, GoodnessOfFit.FALSE_FAILURE_RATE);
  }

  // ---------------------------------------------------------------------------------------------
  // Discrete Laplace

  @ParameterizedTest(name = "eps {0}, sensitivity {1}, value {2}")
  @CsvSource({"1, 1, 0", "0.5, 3, 1000000", "2, 5, -7", "0.3, 1, " + Long.MIN_VALUE / 2})
  void laplaceNoiseFitsTheDiscreteLaplaceOfItsScale(double epsilon, long sensitivity, long value) {
    DiscreteLaplaceMechanism m =
        DiscreteLaplaceMechanism.of(
            PrivacyBudget.pure(epsilon), sensitivity, SeededNoise.uniform(21));
    assertTrue(m.scale() >= sensitivity / epsilon, m.toString());
    ChiSquare fit =
        fit(
            noise(() -> m.addNoise(value), value, N),
            DiscreteDistributions.discreteLaplaceCdf(m.scale()));
    assertTrue(fit.accepted(), fit.toString());
    assertTrue(fit.degreesOfFreedom() >= 5, fit.toString());
  }

  @Test
  void laplaceFitsOnTheSecureSourceToo() {
    DiscreteLaplaceMechanism m =
        DiscreteLaplaceMechanism.of(PrivacyBudget.pure(0.7), 2, TestKeys.fixedKey(22));
    ChiSquare fit =
        fit(noise(() -> m.addNoise(0), 0, N), DiscreteDistributions.discreteLaplaceCdf(m.scale()));
    assertTrue(fit.accepted(), fit.toString());
  }

  @Test
  void theLaplaceFitRejectsATenPercentSmallerScaleAndAGaussianOfTheSameVariance() {
    double scale = 4.0;
    DiscreteLaplaceMechanism tooLittleNoise =
        DiscreteLaplaceMechanism.of(PrivacyBudget.pure(1.1), 4, SeededNoise.uniform(23));
    assertFalse(
        fit(
                noise(() -> tooLittleNoise.addNoise(0), 0, N),
                DiscreteDistributions.discreteLaplaceCdf(scale))
            .accepted());
    double p = Math.exp(-1 / scale);
    double variance = 2 * p / ((1 - p) * (1 - p));
    DiscreteGaussianMechanism gaussian =
        DiscreteGaussianMechanism.ofZcdp(
            1 / (2 * variance), 1, SeededNoise.uniform(24)); // sigma = sqrt(variance)
    assertFalse(
        fit(
                noise(() -> gaussian.addNoise(0), 0, N),
                DiscreteDistributions.discreteLaplaceCdf(scale))
            .accepted());
  }

  @ParameterizedTest(name = "eps {0}, sensitivity {1}")
  @CsvSource({"1, 1, 1", "0.5, 5, 10", "2, 4, 2", "0.25, 1, 4"})
  void laplaceScaleAndEventAreExactForDyadicRatios(double epsilon, long sensitivity, double scale) {
    DiscreteLaplaceMechanism m =
        DiscreteLaplaceMechanism.of(
            PrivacyBudget.pure(epsilon), sensitivity, SeededNoise.uniform(25));
    assertEquals(scale, m.scale());
    assertEquals(EpsilonDeltaEvent.pure(epsilon), m.event());
    assertEquals(2 * epsilon, m.epsilonFor(2 * sensitivity));
    assertEquals(0.0, m.epsilonFor(0));
  }

  /** Property: the cost is at most the budget and within 2^-39 of it, for random parameters. */
  @Test
  void laplaceCostIsJustBelowTheBudget() {
    SplittableRandom random = new SplittableRandom(26);
    for (int i = 0; i < 2000; i++) {
      double epsilon = Math.exp(random.nextDouble(-10, 5));
      long sensitivity = 1 + (long) Math.exp(random.nextDouble(0, 20));
      DiscreteLaplaceMechanism m =
          DiscreteLaplaceMechanism.of(
              PrivacyBudget.pure(epsilon), sensitivity, SeededNoise.uniform(i));
      double cost = m.epsilon();
      String context = m + " at epsilon " + epsilon;
      assertTrue(cost <= epsilon, context);
      double ratio = sensitivity / epsilon;
      if (ratio >= 0x1p-22 && ratio <= 0x1p40) {
        assertTrue(cost >= epsilon * (1 - 0x1p-39), context);
      }
      // The exact cost: sensitivity * denominator / numerator, within one ulp above.
      double exact = (double) sensitivity * m.scaleDenominator() / m.scaleNumerator();
      assertEquals(exact, cost, 2 * Math.ulp(exact), context);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Discrete Gaussian

  @ParameterizedTest(name = "rho {0}, sensitivity {1}")
  @CsvSource({"0.5, 1, 0", "0.02, 3, 1000000", "2, 1, -7", "0.001, 2, 3"})
  void gaussianNoiseFitsTheDiscreteGaussianOfItsSigma(double rho, long sensitivity, long value) {
    DiscreteGaussianMechanism m =
        DiscreteGaussianMechanism.ofZcdp(rho, sensitivity, SeededNoise.uniform(31));
    assertEquals(sensitivity / Math.sqrt(2 * rho), m.sigma(), 5 * Math.ulp(m.sigma()));
    ChiSquare fit =
        fit(
            noise(() -> m.addNoise(value), value, N),
            DiscreteDistributions.discreteGaussianCdf(m.sigma()));
    assertTrue(fit.accepted(), fit.toString());
  }

  @Test
  void theGaussianFitRejectsATenPercentSmallerSigmaAndALaplaceOfTheSameVariance() {
    double sigma = 5.0;
    DiscreteGaussianMechanism tooLittleNoise =
        DiscreteGaussianMechanism.ofZcdp(
            1 / (2 * sigma * sigma / 1.21), 1, SeededNoise.uniform(32));
    assertFalse(
        fit(
                noise(() -> tooLittleNoise.addNoise(0), 0, N),
                DiscreteDistributions.discreteGaussianCdf(sigma))
            .accepted());
    // A discrete Laplace of scale t has variance 2p / (1 - p)^2, p = e^(-1/t): t = 3.4 gives 23.1,
    // near sigma^2 = 25.
    DiscreteLaplaceMechanism laplace =
        DiscreteLaplaceMechanism.of(PrivacyBudget.pure(1 / 3.4), 1, SeededNoise.uniform(33));
    assertFalse(
        fit(
                noise(() -> laplace.addNoise(0), 0, N),
                DiscreteDistributions.discreteGaussianCdf(sigma))
            .accepted());
  }

  @ParameterizedTest
  @ValueSource(doubles = {1e-6, 0.01, 0.5, 3, 1e6})
  void gaussianEventIsItsRhoAtMostTheBudget(double rho) {
    DiscreteGaussianMechanism m = DiscreteGaussianMechanism.ofZcdp(rho, 3, SeededNoise.uniform(34));
    assertEquals(new ZcdpEvent(m.rho()), m.event());
    // sigma is rounded up by three ulps, so rho is below the budget by at most 6 ulps relative.
    assertTrue(m.rho() <= rho && m.rho() >= rho * (1 - 1e-14), m.toString());
    assertEquals(4 * m.rhoFor(3), m.rhoFor(6), 4 * Math.ulp(m.rhoFor(6)));
    assertEquals(0.0, m.rhoFor(0));
  }

  // ---------------------------------------------------------------------------------------------
  // Both

  @Test
  void outputsSaturateInsteadOfOverflowing() {
    DiscreteLaplaceMechanism laplace =
        DiscreteLaplaceMechanism.of(PrivacyBudget.pure(0x1p-50), 1, SeededNoise.uniform(41));
    int saturatedHigh = 0;
    int saturatedLow = 0;
    for (int i = 0; i < 2000; i++) {
      // Noise of scale 2^50 from 2^49 inside the ends: P[K > 2^49] = e^(-1/2) / 2, about 0.30,
      // so about 606 of 2000 saturate (sd 20.5; 500 is 5 sd below: false failure ~3e-7).
      saturatedHigh += laplace.addNoise(Long.MAX_VALUE - (1L << 49)) == Long.MAX_VALUE ? 1 : 0;
      saturatedLow += laplace.addNoise(Long.MIN_VALUE + (1L << 49)) == Long.MIN_VALUE ? 1 : 0;
    }
    assertTrue(saturatedHigh > 500 && saturatedLow > 500, saturatedHigh + ", " + saturatedLow);
    DiscreteGaussianMechanism gaussian =
        DiscreteGaussianMechanism.ofZcdp(0x1p-100, 1, SeededNoise.uniform(42));
    for (int i = 0; i < 200; i++) {
      long high = gaussian.addNoise(Long.MAX_VALUE);
      long low = gaussian.addNoise(Long.MIN_VALUE);
      assertTrue(high <= Long.MAX_VALUE && low >= Long.MIN_VALUE);
    }
  }

  @Test
  void filterReleasesSpendFirstAndReleaseNothingWhenRefused() {
    PrivacyFilter filter =
        PrivacyFilter.limited(new BasicCompositionAccountant(), PrivacyBudget.pure(1.0));
    DiscreteLaplaceMechanism m =
        DiscreteLaplaceMechanism.of(PrivacyBudget.pure(0.75), 1, SeededNoise.uniform(43));
    DiscreteLaplaceMechanism twin =
        DiscreteLaplaceMechanism.of(PrivacyBudget.pure(0.75), 1, SeededNoise.uniform(43));
    assertEquals(twin.addNoise(10), m.addNoise(10, filter, "count"));
    assertThrows(PrivacyBudgetExceededException.class, () -> m.addNoise(10, filter, "again"));
    assertEquals(twin.addNoise(10), m.addNoise(10), "the refused call drew nothing");
    assertThrows(NullPointerException.class, () -> m.addNoise(10, null, "x"));
    DiscreteGaussianMechanism g = DiscreteGaussianMechanism.ofZcdp(0.5, 1, SeededNoise.uniform(44));
    assertThrows(NullPointerException.class, () -> g.addNoise(10, null, "x"));
  }

  private static void assertNamed(String prefix, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
  }

  @Test
  void badInputIsRejectedByName() {
    var random = SeededNoise.uniform(45);
    for (long bad : new long[] {0, -1, Long.MIN_VALUE}) {
      assertNamed(
          "l1Sensitivity must be positive",
          () -> DiscreteLaplaceMechanism.of(PrivacyBudget.pure(1), bad, random));
      assertNamed(
          "l2Sensitivity must be positive", () -> DiscreteGaussianMechanism.ofZcdp(1, bad, random));
    }
    assertNamed(
        "budget.delta must be 0",
        () -> DiscreteLaplaceMechanism.of(PrivacyBudget.approximate(1, 1e-6), 1, random));
    assertNamed(
        "budget.epsilon must be positive",
        () -> DiscreteLaplaceMechanism.of(PrivacyBudget.pure(0), 1, random));
    assertNamed(
        "budget.epsilon must be above l1Sensitivity / 2^53",
        () -> DiscreteLaplaceMechanism.of(PrivacyBudget.pure(Double.MIN_VALUE), 1, random));
    assertNamed(
        "budget.epsilon must be above l1Sensitivity / 2^53",
        () -> DiscreteLaplaceMechanism.of(PrivacyBudget.pure(1), Long.MAX_VALUE, random));
    for (double bad :
        new double[] {
          0, -0.0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY
        }) {
      assertNamed(
          "rho must be positive and finite",
          () -> DiscreteGaussianMechanism.ofZcdp(bad, 1, random));
    }
    assertNamed(
        "rho must be at least l2Sensitivity^2 / 2^105",
        () -> DiscreteGaussianMechanism.ofZcdp(Double.MIN_VALUE, 1, random));
    assertNamed(
        "rho must be at least l2Sensitivity^2 / 2^105",
        () -> DiscreteGaussianMechanism.ofZcdp(1, Long.MAX_VALUE, random));
    DiscreteLaplaceMechanism laplace =
        DiscreteLaplaceMechanism.of(PrivacyBudget.pure(1), 1, random);
    assertNamed("l1Sensitivity must be non-negative", () -> laplace.epsilonFor(-1));
    DiscreteGaussianMechanism gaussian = DiscreteGaussianMechanism.ofZcdp(1, 1, random);
    assertNamed("l2Sensitivity must be non-negative", () -> gaussian.rhoFor(-1));
    assertThrows(
        NullPointerException.class,
        () -> DiscreteLaplaceMechanism.of(PrivacyBudget.pure(1), 1, null));
    assertThrows(NullPointerException.class, () -> DiscreteGaussianMechanism.ofZcdp(1, 1, null));
    assertThrows(NullPointerException.class, () -> DiscreteLaplaceMechanism.of(null, 1, random));
    // Extreme but valid: huge epsilon and rho give tiny noise, and are accepted.
    assertTrue(
        DiscreteLaplaceMechanism.of(PrivacyBudget.pure(Double.MAX_VALUE), 1, random).epsilon()
            <= Double.MAX_VALUE);
    assertTrue(
        DiscreteGaussianMechanism.ofZcdp(Double.MAX_VALUE, 1, random).rho() <= Double.MAX_VALUE);
  }
}

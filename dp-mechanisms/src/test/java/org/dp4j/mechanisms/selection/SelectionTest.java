package org.dp4j.mechanisms.selection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntSupplier;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.mechanisms.stats.EmpiricalPrivacyCheck;
import org.dp4j.mechanisms.stats.GoodnessOfFit;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;

class SelectionTest {

  private static final int N = 100_000;

  /**
   * Pearson chi-square of category counts against probabilities; critical value at false-failure
   * 1e-6.
   */
  private static boolean fits(IntSupplier draw, double[] probabilities) {
    long[] counts = new long[probabilities.length];
    for (int i = 0; i < N; i++) {
      counts[draw.getAsInt()]++;
    }
    double statistic = 0;
    for (int j = 0; j < counts.length; j++) {
      double expected = probabilities[j] * N;
      statistic += (counts[j] - expected) * (counts[j] - expected) / expected;
    }
    double critical =
        new ChiSquaredDistribution(probabilities.length - 1)
            .inverseCumulativeProbability(1 - GoodnessOfFit.FALSE_FAILURE_RATE);
    return statistic <= critical;
  }

  private static double[] exponentialProbabilities(double[] u, double epsilon, double sensitivity) {
    double[] w = new double[u.length];
    double total = 0;
    for (int i = 0; i < u.length; i++) {
      w[i] = Math.exp(epsilon * u[i] / (2 * sensitivity));
      total += w[i];
    }
    for (int i = 0; i < u.length; i++) {
      w[i] /= total;
    }
    return w;
  }

  /**
   * Permute-and-flip probabilities by enumerating all permutations (McKenna and Sheldon 2020, Alg.
   * 1).
   */
  private static double[] permuteAndFlipProbabilities(
      double[] u, double epsilon, double sensitivity) {
    int n = u.length;
    double max = java.util.Arrays.stream(u).max().orElseThrow();
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = Math.exp(epsilon * (u[i] - max) / (2 * sensitivity));
    }
    double[] result = new double[n];
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    int count = enumerate(perm, 0, p, result);
    for (int i = 0; i < n; i++) {
      result[i] /= count;
    }
    return result;
  }

  private static int enumerate(int[] perm, int k, double[] p, double[] result) {
    if (k == perm.length) {
      double reach = 1.0;
      for (int c : perm) {
        result[c] += reach * p[c];
        reach *= 1 - p[c];
      }
      return 1;
    }
    int total = 0;
    for (int i = k; i < perm.length; i++) {
      int t = perm[k];
      perm[k] = perm[i];
      perm[i] = t;
      total += enumerate(perm, k + 1, p, result);
      t = perm[k];
      perm[k] = perm[i];
      perm[i] = t;
    }
    return total;
  }

  private static final double[] UTILITIES = {3.0, 1.0, 2.5, -4.0, 0.0};

  @Test
  void exponentialMechanismSelectsWithTheExponentialWeights() {
    ExponentialMechanism m =
        ExponentialMechanism.of(PrivacyBudget.pure(1.2), 1.0, SeededNoise.uniform(1));
    assertTrue(fits(() -> m.select(UTILITIES), exponentialProbabilities(UTILITIES, 1.2, 1.0)));
    // Power: the same draws do not fit the weights of epsilon x 1.3.
    ExponentialMechanism again =
        ExponentialMechanism.of(PrivacyBudget.pure(1.2), 1.0, SeededNoise.uniform(1));
    assertFalse(
        fits(() -> again.select(UTILITIES), exponentialProbabilities(UTILITIES, 1.56, 1.0)));
    assertEquals(EpsilonDeltaEvent.pure(1.2), m.event());
  }

  @Test
  void permuteAndFlipSelectsWithItsExactDistribution() {
    PermuteAndFlip m = PermuteAndFlip.of(PrivacyBudget.pure(0.8), 0.5, SeededNoise.uniform(2));
    assertTrue(fits(() -> m.select(UTILITIES), permuteAndFlipProbabilities(UTILITIES, 0.8, 0.5)));
    PermuteAndFlip again = PermuteAndFlip.of(PrivacyBudget.pure(0.8), 0.5, SeededNoise.uniform(2));
    // Power: permute-and-flip is not the exponential mechanism.
    assertFalse(fits(() -> again.select(UTILITIES), exponentialProbabilities(UTILITIES, 0.8, 0.5)));
    assertEquals(EpsilonDeltaEvent.pure(0.8), m.event());
  }

  /** epsilonFor: ε times the ratio of sensitivities, rounded up by at most 2^-49 relative. */
  @Test
  void selectionsStateTheirCostAtOtherSensitivities() {
    ExponentialMechanism em =
        ExponentialMechanism.of(PrivacyBudget.pure(0.6), 2.0, SeededNoise.uniform(7));
    PermuteAndFlip pf = PermuteAndFlip.of(PrivacyBudget.pure(0.6), 2.0, SeededNoise.uniform(8));
    for (double cost : new double[] {em.epsilonFor(3.0), pf.epsilonFor(3.0)}) {
      assertTrue(cost >= 0.9 && cost <= 0.9 * (1 + 0x1p-49), "cost " + cost);
    }
    assertEquals(0.6, em.epsilonFor(2.0));
    assertEquals(0.0, pf.epsilonFor(0.0));
    for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> em.epsilonFor(bad));
      assertTrue(e.getMessage().startsWith("utilitySensitivity must be"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> pf.epsilonFor(bad));
    }
  }

  @Test
  void randomizedResponseHasTheStatedProbabilitiesAndPassesTheEmpiricalCheck() {
    double epsilon = 1.0;
    RandomizedResponse rr =
        RandomizedResponse.of(PrivacyBudget.pure(epsilon), 4, SeededNoise.uniform(3));
    double p = Math.exp(epsilon) / (Math.exp(epsilon) + 3);
    assertEquals(p, rr.truthProbability(), 1e-15);
    double q = (1 - p) / 3;
    assertTrue(fits(() -> rr.respond(2), new double[] {q, q, p, q}));

    RandomizedResponse other =
        RandomizedResponse.of(PrivacyBudget.pure(epsilon), 4, SeededNoise.uniform(4));
    // Buckets = categories; see EmpiricalPrivacyCheck for the tolerance (false failure < 4e-6).
    EmpiricalPrivacyCheck.Result ok =
        EmpiricalPrivacyCheck.check(
            () -> rr.respond(0), () -> other.respond(1), 200_000, 0, 4, 4, epsilon, 0);
    assertTrue(ok.passed(), ok.toString());
    RandomizedResponse loose1 =
        RandomizedResponse.of(PrivacyBudget.pure(2 * epsilon), 4, SeededNoise.uniform(5));
    RandomizedResponse loose2 =
        RandomizedResponse.of(PrivacyBudget.pure(2 * epsilon), 4, SeededNoise.uniform(6));
    EmpiricalPrivacyCheck.Result bad =
        EmpiricalPrivacyCheck.check(
            () -> loose1.respond(0), () -> loose2.respond(1), 200_000, 0, 4, 4, epsilon, 0);
    assertFalse(bad.passed(), bad.toString());
  }

  @Test
  void randomizedResponseFrequencyEstimatesAreUnbiased() {
    RandomizedResponse rr =
        RandomizedResponse.of(PrivacyBudget.pure(2.0), 3, SeededNoise.uniform(7));
    double[] truth = {0.5, 0.3, 0.2};
    long[] counts = new long[3];
    int n = 300_000;
    for (int i = 0; i < n; i++) {
      int category = i < 0.5 * n ? 0 : i < 0.8 * n ? 1 : 2;
      counts[rr.respond(category)]++;
    }
    double[] estimate = rr.estimateFrequencies(counts);
    double p = rr.truthProbability();
    double q = (1 - p) / 2;
    for (int j = 0; j < 3; j++) {
      // sd of a report frequency is at most sqrt(0.25 / n); the estimate divides it by (p - q).
      // 5.3 sd: false failure about 1.2e-7 per category.
      assertEquals(truth[j], estimate[j], 5.3 * Math.sqrt(0.25 / n) / (p - q));
    }
    assertEquals(1.0, estimate[0] + estimate[1] + estimate[2], 1e-12);
  }

  @Test
  void rejectsBadArguments() {
    var random = SeededNoise.uniform(1);
    assertThrows(
        IllegalArgumentException.class,
        () -> ExponentialMechanism.of(PrivacyBudget.approximate(1, 1e-6), 1, random));
    assertThrows(
        IllegalArgumentException.class,
        () -> ExponentialMechanism.of(PrivacyBudget.pure(0), 1, random));
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, 0.0, -1.0}) {
      assertThrows(
          IllegalArgumentException.class,
          () -> ExponentialMechanism.of(PrivacyBudget.pure(1), bad, random));
      assertThrows(
          IllegalArgumentException.class,
          () -> PermuteAndFlip.of(PrivacyBudget.pure(1), bad, random));
    }
    ExponentialMechanism em = ExponentialMechanism.of(PrivacyBudget.pure(1), 1, random);
    PermuteAndFlip pf = PermuteAndFlip.of(PrivacyBudget.pure(1), 1, random);
    assertEquals(
        "utilities.length must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> em.select(new double[0])).getMessage());
    assertEquals(
        "utilities[1] must be finite, got NaN",
        assertThrows(IllegalArgumentException.class, () -> pf.select(new double[] {1, Double.NaN}))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> em.select(new double[] {Double.NEGATIVE_INFINITY}));
    assertThrows(NullPointerException.class, () -> em.select(null));
    assertEquals(0, em.select(new double[] {7.0}));
    assertEquals(0, pf.select(new double[] {7.0}));
    assertEquals(
        "categories must be at least 2, got 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> RandomizedResponse.of(PrivacyBudget.pure(1), 1, random))
            .getMessage());
    RandomizedResponse rr = RandomizedResponse.of(PrivacyBudget.pure(1), 2, random);
    assertThrows(IllegalArgumentException.class, () -> rr.respond(2));
    assertThrows(IllegalArgumentException.class, () -> rr.respond(-1));
    assertThrows(IllegalArgumentException.class, () -> rr.estimateFrequencies(new long[] {0, 0}));
    assertThrows(IllegalArgumentException.class, () -> rr.estimateFrequencies(new long[] {1, -1}));
    assertThrows(IllegalArgumentException.class, () -> rr.estimateFrequencies(new long[] {1}));
    double[] utilities = {1, 2};
    em.select(utilities);
    assertArrayEquals(new double[] {1, 2}, utilities);
  }
}

package org.dp4j.mechanisms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;

/**
 * Mironov's (2012) floating-point attack. A textbook Laplace mechanism on doubles (inverse CDF of a
 * 53-bit uniform) has an input-dependent support: we show that most outputs of M(1) are impossible
 * outputs of M(0), so one release reveals the input with certainty, although ε = 1 promises that no
 * event is more than e times likelier under one input than under the other. The dp4j mechanism's
 * outputs all lie on a grid that both inputs reach, so the same attack learns nothing.
 */
class FloatingPointAttackTest {

  private static final double TWO_POW_MINUS_52 = 0x1.0p-52;

  /** The naive mechanism: x - b sgn(u - 1/2) ln(1 - 2|u - 1/2|), u a 53-bit uniform. */
  private static double naiveLaplace(double x, double b, UniformRandomProvider random) {
    double u = (random.nextLong() >>> 11) * 0x1.0p-53;
    return x - b * Math.signum(u - 0.5) * Math.log(1 - 2 * Math.abs(u - 0.5));
  }

  /**
   * Whether {@code y} is a possible output of the naive mechanism at x = 0, b = 1: is there an
   * integer j in [1, 2^52] with fl(ln(j 2^-52)) = -|y| (the uniform u maps to v = 1 - 2|u - 1/2| =
   * j 2^-52 exactly)? Searches the neighbourhood of the real-valued inverse; ln is monotone, so ±16
   * covers its rounding.
   */
  private static boolean possibleAtZero(double y) {
    if (y == 0) {
      return false;
    }
    double target = -Math.abs(y);
    long centre = Math.round(Math.exp(target) / TWO_POW_MINUS_52);
    for (long j = Math.max(1, centre - 16); j <= Math.min(1L << 52, centre + 16); j++) {
      if (Math.log(j * TWO_POW_MINUS_52) == target) {
        return true;
      }
    }
    return false;
  }

  @Test
  void naiveLaplaceLeaksTheInputThroughItsLowOrderBits() {
    UniformRandomProvider random = SeededNoise.uniform(2012);
    int n = 20_000;
    int impossibleFromOne = 0;
    for (int i = 0; i < n; i++) {
      if (!possibleAtZero(naiveLaplace(1.0, 1.0, random))) {
        impossibleFromOne++;
      }
    }
    // The membership test is sound: outputs of M(0) are always judged possible at 0.
    for (int i = 0; i < 2_000; i++) {
      double y = naiveLaplace(0.0, 1.0, random);
      assertTrue(possibleAtZero(y), "output " + y + " of M(0) judged impossible");
    }
    // Under 1-DP an event of probability 0 under M(0) must have probability 0 under M(1) too.
    double leaked = (double) impossibleFromOne / n;
    assertTrue(leaked > 0.3, "fraction of M(1) outputs that identify the input: " + leaked);
  }

  @Test
  void dp4jLaplaceOutputsAreReachableFromEitherInput() {
    LaplaceMechanism mechanism =
        LaplaceMechanism.of(PrivacyBudget.pure(1.0), 1.0, SeededNoise.uniform(2012));
    double g = mechanism.granularity();
    int offGrid = 0;
    for (int i = 0; i < 20_000; i++) {
      double y = mechanism.addNoise(1.0);
      double steps = y / g;
      // Every multiple of g is an output of M(0) with positive probability (the discrete Laplace
      // has
      // full support on Z), so an output is identifying only if it is off the grid.
      if (steps != Math.rint(steps) || Math.abs(steps) >= 0x1.0p53) {
        offGrid++;
      }
    }
    assertEquals(0, offGrid);
  }

  @Test
  void dp4jGaussianOutputsAreReachableFromEitherInput() {
    GaussianMechanism mechanism =
        GaussianMechanism.of(PrivacyBudget.approximate(1.0, 1e-6), 1.0, SeededNoise.uniform(2022));
    double g = mechanism.granularity();
    int offGrid = 0;
    for (int i = 0; i < 5_000; i++) {
      double y = mechanism.addNoise(0.1 + i * 1e-3);
      double steps = y / g;
      if (steps != Math.rint(steps) || Math.abs(steps) >= 0x1.0p53) {
        offGrid++;
      }
    }
    assertEquals(0, offGrid);
  }
}

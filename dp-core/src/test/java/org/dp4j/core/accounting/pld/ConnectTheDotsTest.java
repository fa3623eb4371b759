package org.dp4j.core.accounting.pld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.dp4j.core.internal.LogMath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The dominating pairs and their connect-the-dots discretisation. */
class ConnectTheDotsTest {

  /** Seeded (q, sigma, h) triples: reproducible. */
  static Stream<double[]> randomPairs() {
    SplittableRandom random = new SplittableRandom(7L);
    return IntStream.range(0, 10)
        .mapToObj(
            i ->
                new double[] {
                  Math.pow(10, -3 + 3 * random.nextDouble()), // q in 1e-3 .. 1
                  0.5 + 3.5 * random.nextDouble(), // sigma in 0.5 .. 4
                  Math.pow(10, -4 + 2 * random.nextDouble()) // h in 1e-4 .. 1e-2
                });
  }

  /** The subsampled Gaussian's remove-direction tails, written independently in the data domain. */
  private static double[] removeTailsByFormula(double q, double s, double t) {
    double arg = Math.expm1(t) + q;
    if (arg <= 0) {
      return new double[] {1.0, 1.0};
    }
    double x = s * s * (Math.log(arg) - Math.log(q)) + 0.5; // L > t  <=>  x > x*
    double tailQ = LogMath.normalCdf(-x / s);
    double tailP = (1 - q) * tailQ + q * LogMath.normalCdf(-(x - 1) / s);
    return new double[] {tailP, tailQ};
  }

  @ParameterizedTest
  @MethodSource("randomPairs")
  void subsampledGaussianTailsMatchTheDataDomainFormula(double[] c) {
    double q = c[0];
    double s = c[1];
    LossPair pair =
        new SubsampledLossPair(q, new GaussianLossPair(s), SubsampledLossPair.Direction.REMOVE);
    double[] out = new double[2];
    for (double t = -0.5; t <= 5; t += 0.173) {
      pair.upperTails(t, out);
      double[] expected = removeTailsByFormula(q, s, t);
      assertEquals(expected[0], out[0], 1e-12 * expected[0] + 1e-300, "P tail at " + t);
      assertEquals(expected[1], out[1], 1e-12 * expected[1] + 1e-300, "Q tail at " + t);
    }
  }

  @ParameterizedTest
  @MethodSource("randomPairs")
  void upperAndLowerTailsOfContinuousPairsSumToOne(double[] c) {
    for (SubsampledLossPair.Direction d : SubsampledLossPair.Direction.values()) {
      LossPair pair = new SubsampledLossPair(c[0], new GaussianLossPair(c[1]), d);
      double[] up = new double[2];
      double[] low = new double[2];
      for (double t = -3; t <= 3; t += 0.37) {
        pair.upperTails(t, up);
        pair.lowerTails(t, low);
        assertEquals(1.0, up[0] + low[0], 1e-12, d + " P at " + t);
        assertEquals(1.0, up[1] + low[1], 1e-12, d + " Q at " + t);
      }
    }
  }

  @Test
  void fullSamplingReducesToTheInnerPairAndItsMirror() {
    LossPair inner = new GaussianLossPair(0.9);
    LossPair remove = new SubsampledLossPair(1.0, inner, SubsampledLossPair.Direction.REMOVE);
    LossPair add = new SubsampledLossPair(1.0, inner, SubsampledLossPair.Direction.ADD);
    double[] a = new double[2];
    double[] b = new double[2];
    for (double t = -2; t <= 2; t += 0.25) {
      remove.upperTails(t, a);
      inner.upperTails(t, b);
      assertEquals(b[0], a[0], 1e-13);
      assertEquals(b[1], a[1], 1e-13);
      // ADD with q = 1 swaps the roles: P'(L' > t) = Q(L < -t).
      add.upperTails(t, a);
      inner.lowerTails(-t, b);
      assertEquals(b[1], a[0], 1e-13);
      assertEquals(b[0], a[1], 1e-13);
    }
  }

  @ParameterizedTest
  @MethodSource("randomPairs")
  void gaussianDiscretisationIsExactAtGridPointsAndPessimisticBetween(double[] c) {
    double s = c[1];
    double h = c[2];
    DiscretePld pld = ConnectTheDots.discretize(new GaussianLossPair(s), h);
    assertEquals(1.0, pld.finiteMass() + pld.infinityMass(), 1e-12);
    SplittableRandom random = new SplittableRandom(11L);
    for (int i = 0; i < 40; i++) {
      double eps = random.nextDouble() * (0.5 / (s * s) + 4 / s);
      double exact = ExactGaussian.delta(s, eps);
      double ours = pld.delta(eps);
      // Pessimistic everywhere (1e-13: rounding of the two erfc differences).
      assertTrue(ours >= exact - 1e-13, "below exact at " + eps + ": " + ours + " < " + exact);
      // Exact at the grid points.
      long j = (long) Math.ceil(eps / h);
      double grid = j * h;
      double atGrid = pld.delta(grid);
      assertEquals(ExactGaussian.delta(s, grid), atGrid, 1e-9 * atGrid + 1e-13, "grid " + grid);
    }
  }

  @ParameterizedTest
  @MethodSource("randomPairs")
  void discretisedPairsAreValidDistributions(double[] c) {
    for (SubsampledLossPair.Direction d : SubsampledLossPair.Direction.values()) {
      DiscretePld pld =
          ConnectTheDots.discretize(
              new SubsampledLossPair(c[0], new GaussianLossPair(c[1]), d), c[2]);
      double qMass = 0.0;
      for (int j = 0; j < pld.size(); j++) {
        assertTrue(pld.mass(j) >= 0);
        qMass += pld.mass(j) * Math.exp(-pld.loss(j));
      }
      assertEquals(1.0, pld.finiteMass() + pld.infinityMass(), 1e-12, d.toString());
      // The implied Q-mass is a sub-probability (the rest sits at loss -infinity).
      assertTrue(qMass <= 1.0 + 1e-12, d + ": Q mass " + qMass);
    }
  }

  @Test
  void laplaceOnAnAlignedGridIsExactAtGridPoints() {
    double eps0 = 0.5;
    double h = eps0 / 50;
    DiscretePld pld = ConnectTheDots.discretize(new LaplaceLossPair(1 / eps0), h);
    for (int j = 0; j <= 50; j++) {
      double eps = j * h;
      double exact = -Math.expm1((eps - eps0) / 2); // 1 - e^{(eps - eps0)/2}
      assertEquals(exact, pld.delta(eps), 1e-12);
    }
  }

  @Test
  void randomizedResponseIsRepresentedExactly() {
    double eps0 = 1.0;
    double delta0 = 1e-3;
    DiscretePld pld =
        ConnectTheDots.discretize(new RandomizedResponseLossPair(eps0, delta0), eps0 / 4);
    assertEquals(delta0, pld.infinityMass(), 1e-15);
    assertEquals(delta0, pld.delta(eps0), 1e-15);
    // At eps = 0: delta0 + (1 - delta0)(e^eps0 - 1)/(e^eps0 + 1).
    double expected = delta0 + (1 - delta0) * Math.tanh(eps0 / 2);
    assertEquals(expected, pld.delta(0.0), 1e-14);
    assertEquals(eps0, pld.epsilon(delta0), 1e-12);
  }

  @Test
  void revealingPairIsInfiniteAndItsSampledFormLeaksWithProbabilityQ() {
    DiscretePld revealing = ConnectTheDots.discretize(new RevealingLossPair(), 1e-3);
    assertEquals(1.0, revealing.infinityMass());
    assertEquals(Double.POSITIVE_INFINITY, revealing.epsilon(0.999));
    double q = 0.05;
    DiscretePld remove =
        ConnectTheDots.discretize(
            new SubsampledLossPair(q, new RevealingLossPair(), SubsampledLossPair.Direction.REMOVE),
            1e-3);
    assertEquals(q, remove.infinityMass(), 1e-15);
    DiscretePld add =
        ConnectTheDots.discretize(
            new SubsampledLossPair(q, new RevealingLossPair(), SubsampledLossPair.Direction.ADD),
            1e-3);
    // All of P' sits at the finite loss -log(1 - q): nothing may be pushed to infinity.
    assertEquals(0.0, add.infinityMass());
    assertTrue(add.loss(add.size() - 1) >= -Math.log1p(-q));
  }

  @Test
  void gridLargerThanTheGuardIsRefused() {
    assertThrows(
        IllegalStateException.class,
        () -> ConnectTheDots.discretize(new GaussianLossPair(1e-4), 1e-6));
  }

  @Test
  void theTopGridPointIsNeverBelowTheHighestLossEvenWhenTheQuotientRoundsDown() {
    // 0.25 / h rounds to exactly 33 but 33 * h < 0.25 for h = (1/12) / 11: the RR atom at 0.25
    // must stay on the grid, not spill its mass to +infinity.
    double h = (1.0 / 12) / 11;
    LossPair pair = new RandomizedResponseLossPair(0.25, 0.0);
    DiscretePld pld = ConnectTheDots.discretize(pair, h);
    assertEquals(0.0, pld.infinityMass());
    assertTrue(ConnectTheDots.gridPoints(pair, h) * h >= 0.5);
    // Through the accountant: two pure events are finite and compose to at most their sum plus
    // the documented cost of moving one part onto the common grid (less than one step of it).
    PldAccountant accountant =
        new PldAccountant()
            .compose(
                org.dp4j.core.event.ComposedEvent.of(
                    org.dp4j.core.event.EpsilonDeltaEvent.pure(0.25),
                    org.dp4j.core.event.EpsilonDeltaEvent.pure(1.0 / 12)));
    double eps = accountant.epsilon(1e-6);
    double step = accountant.effectiveInterval();
    assertTrue(eps > 0.33 && eps <= 0.25 + 1.0 / 12 + step, "epsilon " + eps + ", step " + step);
  }
}

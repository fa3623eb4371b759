package org.dp4j.core.accounting.pld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compositions of several kinds of event, each composed on its own grid and moved onto a common one
 * by connect-the-dots: results stay upper bounds and keep the accountant's accuracy.
 */
class PldMixedCompositionTest {

  /**
   * Seeded pairs of Gaussians whose one-step loss spreads differ by up to 200x, so that their
   * spacings differ and one part is moved onto the other's grid.
   */
  static Stream<double[]> gaussianPairs() {
    SplittableRandom random = new SplittableRandom(20260603L);
    return IntStream.range(0, 12)
        .mapToObj(
            i -> {
              double s1 = 0.5 + 2 * random.nextDouble(); // sd 0.4 .. 2: spacing 0.01
              double s2 = Math.pow(10, 1 + 1.3 * random.nextDouble()); // sd 0.005 .. 0.1
              long k2 = (long) Math.pow(10, 4 * random.nextDouble()) + 1; // 2 .. 10^4
              double delta = Math.pow(10, -9 + 6 * random.nextDouble()); // 1e-9 .. 1e-3
              return new double[] {s1, s2, k2, delta};
            });
  }

  @ParameterizedTest
  @MethodSource("gaussianPairs")
  void gaussiansOnDifferentGridsComposeToTheirExactCombination(double[] c) {
    double s1 = c[0];
    double s2 = c[1];
    long k2 = (long) c[2];
    double delta = c[3];
    PldAccountant accountant =
        new PldAccountant().compose(new GaussianEvent(s1)).compose(new GaussianEvent(s2), k2);
    // Gaussians compose exactly: 1/s^2 = 1/s1^2 + k2/s2^2 (Dong, Roth & Su 2022).
    double combined = 1 / Math.sqrt(1 / (s1 * s1) + k2 / (s2 * s2));
    double exact = ExactGaussian.epsilon(combined, delta);
    double eps = accountant.epsilon(delta);
    assertTrue(eps >= exact, () -> eps + " below exact " + exact);
    assertTrue(eps <= Math.max(1.01 * exact, exact + 0.005), () -> eps + " vs exact " + exact);
    assertEquals(PldEpsilon.Grid.AS_CHOSEN, accountant.epsilonBound(delta).grid());
  }

  /** Five kinds of event, 10,000 steps each (the cost target of the class documentation). */
  static List<PrivacyEvent> fiveKinds() {
    return List.of(
        new SelfComposedEvent(new PoissonSampledEvent(0.001, new GaussianEvent(4.0)), 10_000),
        new SelfComposedEvent(new LaplaceEvent(20.0), 10_000),
        new SelfComposedEvent(EpsilonDeltaEvent.pure(0.02), 10_000),
        new SelfComposedEvent(EpsilonDeltaEvent.approximate(0.01, 1e-11), 10_000),
        new SelfComposedEvent(new GaussianEvent(50.0), 10_000));
  }

  @Test
  void fiveKindsOfTenThousandStepsAreAtLeastEveryPartAndAtMostTheirSum() {
    List<PrivacyEvent> parts = fiveKinds();
    PldAccountant all = new PldAccountant().compose(new ComposedEvent(parts));
    double delta = 1e-5;
    double eps = all.epsilon(delta);
    assertTrue(eps < Double.POSITIVE_INFINITY);
    assertEquals(PldEpsilon.Grid.AS_CHOSEN, all.epsilonBound(delta).grid());
    double sum = 0;
    for (PrivacyEvent part : parts) {
      // Each part alone at delta / 5: the parts together are at most the sum (basic composition).
      sum += new PldAccountant().compose(part).epsilon(delta / parts.size());
      double alone = new PldAccountant().compose(part).epsilon(delta);
      assertTrue(eps >= alone, part + ": " + alone + " > " + eps);
    }
    assertTrue(eps <= sum, eps + " > " + sum);
  }

  @Test
  void lowRateSampledGaussianWithFewPureEventsMatchesAFineCommonGrid() {
    // The audited kind of case: before, every event used the sampled Gaussian's tiny spacing. A
    // fixed common spacing of 2e-5, below every adaptive one (no regridding), is the reference;
    // moving the parts onto a common grid may only cost a little.
    PrivacyEvent step = new PoissonSampledEvent(0.001, new GaussianEvent(4.0));
    PrivacyEvent laplace = new LaplaceEvent(4.0);
    PrivacyEvent pure = EpsilonDeltaEvent.approximate(0.2, 1e-7);
    PldAccountant adaptive =
        new PldAccountant().compose(step, 2_000).compose(laplace, 3).compose(pure, 5);
    PldAccountant fine =
        new PldAccountant(PldAccountant.DEFAULT_RELATION, 2e-5)
            .compose(step, 2_000)
            .compose(laplace, 3)
            .compose(pure, 5);
    for (double delta : new double[] {1e-3, 1e-5, 1e-8}) {
      double eps = adaptive.epsilon(delta);
      double reference = fine.epsilon(delta);
      assertTrue(eps <= 1.001 * reference, delta + ": " + eps + " vs " + reference);
      assertTrue(eps >= 0.999 * reference, delta + ": " + eps + " vs " + reference);
    }
  }

  @Test
  void movingOntoACoarserGridDominatesAndKeepsBothMasses() {
    SplittableRandom random = new SplittableRandom(11L);
    for (int trial = 0; trial < 20; trial++) {
      double h = 1e-3 * (1 + random.nextDouble());
      DiscretePld fine =
          PldComposition.selfCompose(
              ConnectTheDots.discretize(
                  new SubsampledLossPair(
                      0.01 + 0.3 * random.nextDouble(),
                      new GaussianLossPair(0.6 + 2 * random.nextDouble()),
                      random.nextBoolean()
                          ? SubsampledLossPair.Direction.REMOVE
                          : SubsampledLossPair.Direction.ADD),
                  h),
              1 + random.nextInt(200));
      double target = h * (1.5 + 20 * random.nextDouble());
      DiscretePld coarse = fine.regridded(target, 1 << 22);
      assertEquals(target, coarse.interval());
      // Sums of up to 10^4 masses in different orders: n u = 1e-12.
      assertEquals(fine.finiteMass(), coarse.finiteMass(), 1e-12);
      assertEquals(fine.infinityMass(), coarse.infinityMass());
      // Q-mass sum p e^{-l} is kept too (connect-the-dots preserves both masses).
      assertEquals(qMass(fine), qMass(coarse), 1e-12 * qMass(fine));
      for (int i = 0; i < 40; i++) {
        double eps = 4 * random.nextDouble();
        assertTrue(coarse.delta(eps) >= fine.delta(eps) - 1e-15, "eps " + eps);
      }
      // Exact at the coarse grid points (the split interpolates between them).
      for (int j = 0; j < coarse.size(); j += Math.max(1, coarse.size() / 20)) {
        double eps = coarse.loss(j);
        if (eps >= 0) {
          assertEquals(fine.delta(eps), coarse.delta(eps), 1e-13, "grid point " + eps);
        }
      }
    }
  }

  private static double qMass(DiscretePld pld) {
    double sum = 0;
    for (int j = 0; j < pld.size(); j++) {
      sum += pld.mass(j) * Math.exp(-pld.loss(j));
    }
    return sum;
  }
}

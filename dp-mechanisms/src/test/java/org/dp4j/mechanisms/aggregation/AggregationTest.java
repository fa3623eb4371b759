package org.dp4j.mechanisms.aggregation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.mechanisms.stats.GoodnessOfFit;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AggregationTest {

  private static PrivacyBudget budgetFor(NoiseKind kind, double epsilon) {
    return kind == NoiseKind.LAPLACE
        ? PrivacyBudget.pure(epsilon)
        : PrivacyBudget.approximate(epsilon, 1e-6);
  }

  private static double[] data(int n, long seed) {
    UniformRandomProvider random = SeededNoise.uniform(seed);
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = random.nextDouble() * 12 - 1; // in [-1, 11): some values fall outside [0, 10]
    }
    return values;
  }

  @ParameterizedTest
  @EnumSource(NoiseKind.class)
  void countAndSumIntervalsCoverAtTheirLevel(NoiseKind kind) {
    UniformRandomProvider random = SeededNoise.uniform(kind.ordinal());
    BoundedCount count = BoundedCount.of(budgetFor(kind, 0.5), kind, random);
    Bounds bounds = new Bounds(0, 10);
    BoundedSum sum = BoundedSum.of(budgetFor(kind, 0.5), bounds, kind, random);
    double[] values = data(200, 5);
    double trueSum = 0;
    for (double v : values) {
      trueSum += bounds.clamp(v);
    }
    int trials = 10_000;
    int countCovered = 0;
    int sumCovered = 0;
    for (int i = 0; i < trials; i++) {
      countCovered +=
          count.release(values.length, 0.9).confidenceInterval().contains(values.length) ? 1 : 0;
      sumCovered += sum.release(values, 0.9).confidenceInterval().contains(trueSum) ? 1 : 0;
    }
    // Coverage within 5.3 binomial sd of 0.9 (false failure ~1.2e-7 each).
    double tolerance = GoodnessOfFit.binomialTolerance(0.9, trials);
    assertEquals(0.9, (double) countCovered / trials, tolerance);
    assertEquals(0.9, (double) sumCovered / trials, tolerance);
  }

  @ParameterizedTest
  @EnumSource(NoiseKind.class)
  void meanIsInsideTheBoundsAccurateAndItsIntervalCoversConservatively(NoiseKind kind) {
    Bounds bounds = new Bounds(0, 10);
    BoundedMean mean = BoundedMean.of(budgetFor(kind, 1.0), bounds, kind, SeededNoise.uniform(9));
    double[] values = data(1000, 6);
    double trueMean = 0;
    for (double v : values) {
      trueMean += bounds.clamp(v);
    }
    trueMean /= values.length;
    int trials = 4000;
    int covered = 0;
    double squaredError = 0;
    for (int i = 0; i < trials; i++) {
      NoisyStatistic release = mean.release(values, 0.9);
      assertTrue(release.value() >= 0 && release.value() <= 10);
      covered += release.confidenceInterval().contains(trueMean) ? 1 : 0;
      squaredError += (release.value() - trueMean) * (release.value() - trueMean);
    }
    // The interval is conservative (product of two sqrt(level) intervals plus a ratio bound): its
    // coverage must be at least the level, less 5.3 binomial sd (false failure ~1.2e-7).
    assertTrue((double) covered / trials >= 0.9 - GoodnessOfFit.binomialTolerance(0.9, trials));
    // RMS error well below the bounds' half-width at n = 1000, epsilon = 1.
    assertTrue(Math.sqrt(squaredError / trials) < 0.1, "rmse " + Math.sqrt(squaredError / trials));
    assertEquals(ComposedEvent.class, mean.event().addOrRemoveOne().getClass());
  }

  @Test
  void varianceAndQuantilesAreAccurateAtLargeEpsilon() {
    Bounds bounds = new Bounds(0, 1);
    UniformRandomProvider random = SeededNoise.uniform(11);
    double[] uniform = new double[20_000];
    for (int i = 0; i < uniform.length; i++) {
      uniform[i] = random.nextDouble();
    }
    BoundedVariance variance =
        BoundedVariance.of(PrivacyBudget.pure(10), bounds, NoiseKind.LAPLACE, random);
    // Var(U(0,1)) = 1/12; noise at epsilon 10 and n = 20000 is far below 0.005.
    assertEquals(1.0 / 12, variance.release(uniform), 0.005);
    BoundedQuantile quantile = BoundedQuantile.of(PrivacyBudget.pure(10), bounds, 1025, random);
    assertEquals(0.5, quantile.release(uniform, 0.5), 0.02);
    assertEquals(0.9, quantile.release(uniform, 0.9), 0.02);
    assertEquals(PerRelationEvent.sameForBoth(EpsilonDeltaEvent.pure(10)), quantile.event());
  }

  @Test
  void emptyDataNaNAndInfinitiesAreHandledWithoutRevealingThem() {
    Bounds bounds = new Bounds(-1, 1);
    UniformRandomProvider random = SeededNoise.uniform(12);
    double[] messy = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.5};
    double[] copy = messy.clone();
    NoisyStatistic mean =
        BoundedMean.of(PrivacyBudget.pure(1), bounds, NoiseKind.LAPLACE, random)
            .release(messy, 0.9);
    assertTrue(mean.value() >= -1 && mean.value() <= 1);
    assertArrayEquals(copy, messy, "input must not change");
    assertTrue(
        Double.isFinite(
            BoundedSum.of(PrivacyBudget.pure(1), bounds, NoiseKind.LAPLACE, random)
                .release(new double[0], 0.9)
                .value()));
    double v =
        BoundedVariance.of(PrivacyBudget.pure(1), bounds, NoiseKind.LAPLACE, random)
            .release(new double[0]);
    assertTrue(v >= 0 && v <= 1);
    double q =
        BoundedQuantile.of(PrivacyBudget.pure(1), bounds, 33, random).release(new double[0], 0.5);
    assertTrue(q >= -1 && q <= 1);
  }

  @Test
  void rejectsBadArguments() {
    assertEquals(
        "upper must be >= lower = 2.0, got 1.0",
        assertThrows(IllegalArgumentException.class, () -> new Bounds(2, 1)).getMessage());
    for (double bad :
        new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class, () -> new Bounds(bad, 1));
      assertThrows(IllegalArgumentException.class, () -> new Bounds(0, bad));
    }
    assertThrows(
        IllegalArgumentException.class, () -> new Bounds(-Double.MAX_VALUE, Double.MAX_VALUE));
    UniformRandomProvider random = SeededNoise.uniform(1);
    Bounds bounds = new Bounds(0, 1);
    assertThrows(
        IllegalArgumentException.class,
        () -> BoundedSum.of(PrivacyBudget.approximate(1, 1e-6), bounds, NoiseKind.LAPLACE, random));
    assertThrows(
        IllegalArgumentException.class,
        () -> BoundedSum.of(PrivacyBudget.pure(1), bounds, NoiseKind.GAUSSIAN, random));
    assertThrows(
        IllegalArgumentException.class,
        () -> BoundedSum.of(PrivacyBudget.pure(1), new Bounds(0, 0), NoiseKind.LAPLACE, random));
    assertThrows(
        IllegalArgumentException.class,
        () -> BoundedMean.of(PrivacyBudget.pure(1), new Bounds(3, 3), NoiseKind.LAPLACE, random));
    assertThrows(
        NullPointerException.class,
        () -> BoundedSum.of(PrivacyBudget.pure(1), null, NoiseKind.LAPLACE, random));
    assertThrows(
        NullPointerException.class, () -> BoundedCount.of(PrivacyBudget.pure(1), null, random));
    BoundedCount count = BoundedCount.of(PrivacyBudget.pure(1), NoiseKind.LAPLACE, random);
    assertEquals(
        "count must be non-negative, got -1",
        assertThrows(IllegalArgumentException.class, () -> count.release(-1, 0.9)).getMessage());
    for (double level : new double[] {0, 1, Double.NaN, -0.1}) {
      assertThrows(IllegalArgumentException.class, () -> count.release(1, level));
    }
    BoundedSum sum = BoundedSum.of(PrivacyBudget.pure(1), bounds, NoiseKind.LAPLACE, random);
    assertThrows(NullPointerException.class, () -> sum.release(null, 0.9));
    BoundedQuantile quantile = BoundedQuantile.of(PrivacyBudget.pure(1), bounds, 5, random);
    for (double bad : new double[] {-0.1, 1.1, Double.NaN}) {
      assertThrows(IllegalArgumentException.class, () -> quantile.release(new double[] {0.5}, bad));
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> BoundedQuantile.of(PrivacyBudget.pure(1), bounds, 1, random));
    assertThrows(
        IllegalArgumentException.class,
        () -> BoundedQuantile.of(PrivacyBudget.pure(1), new Bounds(1, 1), 5, random));
  }
}

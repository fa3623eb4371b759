package org.dp4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.dp4j.spark.internal.ExecutionSpec;
import org.dp4j.spark.internal.GaussianThresholdRule;
import org.dp4j.spark.internal.GroupReleaser;
import org.dp4j.spark.internal.TruncatedGeometricRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The per-group release kernel of real queries (specs built by {@link DpAggregation}), run outside
 * Spark for thousands of repetitions: noise scales, selection probabilities, the formulas of means,
 * variances and quantiles, and the coverage of confidence intervals.
 */
class ReleaseKernelTest {

  private static final StructType SCHEMA =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField("unit", DataTypes.StringType, true),
              DataTypes.createStructField("group", DataTypes.StringType, true),
              DataTypes.createStructField("v", DataTypes.DoubleType, true)));

  private static Dataset<Row> empty() {
    return SparkTestSession.get().createDataFrame(List.of(), SCHEMA);
  }

  /** 300 units in group g, each with rows of value (unit mod 40) and (unit mod 7). */
  private static List<Row> data() {
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 300; u++) {
      rows.add(RowFactory.create("u" + u, "g", (double) (u % 40)));
      rows.add(RowFactory.create("u" + u, "g", (double) (u % 7)));
    }
    return rows;
  }

  @Test
  void releasedNoiseHasTheCalibratedScaleAndTheTestRejectsATenPercentError() {
    DpAggregation query =
        DpAggregation.on(empty())
            .privacyUnit("unit")
            .groupBy("group")
            .maxRowsPerGroup(2)
            .count()
            .sum("v", 0, 50)
            .publicGroups(List.of("g"))
            .budget(PrivacyBudget.approximate(1, 1e-6))
            .build();
    ExecutionSpec spec = query.executionSpec();
    Row group = LocalRun.aggregate(spec, data()).get(0);
    GroupReleaser releaser = new GroupReleaser(spec, SeededNoise.uniform(17));
    int n = 20_000;
    double[] counts = new double[n];
    double[] sums = new double[n];
    for (int i = 0; i < n; i++) {
      Object[] out = releaser.release(group);
      counts[i] = (double) out[1] - 600;
      sums[i] = (double) out[2];
    }
    double exactSum = 0;
    for (Row r : data()) {
      exactSum += r.getDouble(2);
    }
    for (int i = 0; i < n; i++) {
      sums[i] -= exactSum;
    }
    KolmogorovSmirnovTest ks = new KolmogorovSmirnovTest();
    double countSigma = query.calibration().sums().get(0).scale();
    double sumSigma = query.calibration().sums().get(1).scale();
    // Both count and sum noise: N(0, sigma^2) with the calibrated sigma (KS p-value > 1e-6: false
    // failure 1e-6 each); the same test rejects 1.1 sigma.
    assertTrue(
        ks.kolmogorovSmirnovTest(new NormalDistribution(null, 0, countSigma), counts, false)
            > 1e-6);
    assertTrue(
        ks.kolmogorovSmirnovTest(new NormalDistribution(null, 0, 1.1 * countSigma), counts, false)
            < 1e-6);
    assertTrue(
        ks.kolmogorovSmirnovTest(new NormalDistribution(null, 0, sumSigma), sums, false) > 1e-6);
    assertTrue(
        ks.kolmogorovSmirnovTest(new NormalDistribution(null, 0, 1.1 * sumSigma), sums, false)
            < 1e-6);
    // The scales follow from the calibration: z times the L2 sensitivity (M = 2, K = 1).
    assertEquals(query.calibration().noiseMultiplier() * 2, countSigma, 1e-4 * countSigma);
    assertEquals(query.calibration().noiseMultiplier() * 2 * 50, sumSigma, 1e-4 * sumSigma);
  }

  @ParameterizedTest
  @EnumSource(PartitionSelection.class)
  void groupsAreReleasedWithTheRulesProbability(PartitionSelection selection) {
    ExecutionSpec spec =
        DpAggregation.on(empty())
            .privacyUnit("unit")
            .groupBy("group")
            .maxGroupsPerUnit(2)
            .count()
            .privateGroups(selection)
            .budget(PrivacyBudget.approximate(2, 1e-3))
            .build()
            .executionSpec();
    GroupReleaser releaser = new GroupReleaser(spec, SeededNoise.uniform(23));
    GaussianThresholdRule threshold = spec.selection().threshold();
    TruncatedGeometricRule geometric = spec.selection().geometric();
    int trials = 20_000;
    int checked = 0;
    for (long n = 1; n <= 200; n += n < 20 ? 1 : 9) {
      double p =
          threshold != null ? threshold.releaseProbability(n) : geometric.releaseProbability(n);
      Row group = RowFactory.create("g", n, n);
      int released = 0;
      for (int i = 0; i < trials; i++) {
        released += releaser.release(group) != null ? 1 : 0;
      }
      // Binomial, 5.3 standard deviations plus 1/trials: false failure about 1.2e-7 per count.
      assertEquals(
          p,
          released / (double) trials,
          StatisticalChecks.binomialTolerance(p, trials) + 1.0 / trials,
          selection + " n " + n);
      checked += p > 0.01 && p < 0.99 ? 1 : 0;
    }
    assertTrue(checked >= 3, "the counts must cover the rule's transition");
  }

  @Test
  void withoutNoiseTheColumnsAreTheExactBoundedStatistics() {
    ExecutionSpec spec =
        DpAggregation.on(empty())
            .privacyUnit("unit")
            .groupBy("group")
            .maxRowsPerGroup(2)
            .count()
            .distinctUnits()
            .sum("v", 0, 50)
            .mean("v", 0, 30)
            .variance("v", 0, 30)
            .quantiles("v", 0, 40, 0.5, 0.9)
            .confidenceIntervals()
            .publicGroups(List.of("g", "absent"))
            .randomness(Randomness.notPrivateWithoutNoise(1))
            .budget(PrivacyBudget.approximate(1, 1e-6))
            .build()
            .executionSpec();
    Row group = LocalRun.aggregate(spec, data()).get(0);
    GroupReleaser releaser = new GroupReleaser(spec, null);
    Object[] out = releaser.release(group);
    List<Double> clampedTo30 = new ArrayList<>();
    double sum = 0;
    for (Row r : data()) {
      sum += r.getDouble(2);
      clampedTo30.add(Math.min(30, r.getDouble(2)));
    }
    double mean = clampedTo30.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double variance = clampedTo30.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / 600;
    int k = 1;
    assertEquals(600.0, out[k]);
    assertEquals(600.0, out[k + 1]);
    assertEquals(600.0, out[k + 2]); // zero-width interval without noise
    assertEquals(300.0, out[k + 3]);
    assertEquals(sum, (double) out[k + 6], 600 * 0x1.0p-15);
    assertEquals(mean, (double) out[k + 9], 1e-4);
    assertEquals(variance, (double) out[k + 12], 1e-3);
    // Quantiles: without noise the exponential mechanism's best candidate, the first grid point
    // c_j = 40 j / 1024 minimising |#{x < c_j} - q n| (checked here over the whole grid).
    double[] sorted = data().stream().mapToDouble(r -> r.getDouble(2)).sorted().toArray();
    for (int q = 0; q < 2; q++) {
      double target = (q == 0 ? 0.5 : 0.9) * 600;
      double best = Double.NaN;
      double bestGap = Double.POSITIVE_INFINITY;
      for (int j = 0; j < 1025; j++) {
        double c = 40.0 * j / 1024;
        long below = java.util.Arrays.stream(sorted).filter(x -> x < c).count();
        if (Math.abs(below - target) < bestGap) {
          bestGap = Math.abs(below - target);
          best = c;
        }
      }
      assertEquals(best, (double) out[k + 13 + q], 1e-12);
    }
    Object[] absent = releaser.release(LocalRun.absentGroup(spec, "absent"));
    assertEquals(0.0, absent[1]);
    assertEquals(15.0, absent[k + 9]); // mean of nothing: the midpoint
  }

  @Test
  void confidenceIntervalsCoverTheBoundedValueAtTheirLevel() {
    ExecutionSpec spec =
        DpAggregation.on(empty())
            .privacyUnit("unit")
            .groupBy("group")
            .maxRowsPerGroup(2)
            .count()
            .mean("v", 0, 50)
            .confidenceIntervals()
            .publicGroups(List.of("g"))
            .budget(PrivacyBudget.approximate(0.5, 1e-6))
            .build()
            .executionSpec();
    Row group = LocalRun.aggregate(spec, data()).get(0);
    double trueMean = data().stream().mapToDouble(r -> r.getDouble(2)).average().orElseThrow();
    UniformRandomProvider random = SeededNoise.uniform(29);
    GroupReleaser releaser = new GroupReleaser(spec, random);
    int trials = 20_000;
    int countCovered = 0;
    int meanCovered = 0;
    for (int i = 0; i < trials; i++) {
      Object[] out = releaser.release(group);
      countCovered += (double) out[2] <= 600 && 600 <= (double) out[3] ? 1 : 0;
      meanCovered += (double) out[5] <= trueMean && trueMean <= (double) out[6] ? 1 : 0;
    }
    // At least 95% (binomial tolerance, false failure about 1.2e-7); the count's is exact, so it
    // is also at most 95% plus the tolerance.
    double tolerance = StatisticalChecks.binomialTolerance(0.95, trials);
    assertEquals(0.95, countCovered / (double) trials, tolerance);
    assertTrue(meanCovered / (double) trials >= 0.95 - tolerance, "mean coverage " + meanCovered);
    assertNull(
        new GroupReleaser(
                DpAggregation.on(empty())
                    .privacyUnit("unit")
                    .groupBy("group")
                    .count()
                    .privateGroups()
                    .budget(PrivacyBudget.approximate(1, 1e-6))
                    .build()
                    .executionSpec(),
                random)
            .release(RowFactory.create("g", 1L, 1L)));
  }
}

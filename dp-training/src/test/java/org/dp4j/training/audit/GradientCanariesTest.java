package org.dp4j.training.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.training.clipping.PerExampleGradients;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.optimizer.DpSgdOptimizer;
import org.dp4j.training.testing.ZcdpTestAccountant;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Gradient canaries through a real optimizer: only included canaries join, at the run's sampling
 * rate, clipped like examples, and their scores read the released gradients.
 */
class GradientCanariesTest {

  private static final int P = 500;
  private static final double Q = 0.04;

  private static DpSgdConfig noiselessConfig() {
    // No noise and an expected batch size of 4 (q = 0.04): the released gradient is the clipped
    // sum / 4, exactly what the canaries put in.
    return DpSgdConfig.builder()
        .clipNorm(1.0)
        .noiseMultiplier(0.0)
        .targetDelta(1e-5)
        .datasetSize(100)
        .expectedBatchSize(4)
        .plannedSteps(400)
        .accountant(ZcdpTestAccountant::new)
        .filter(PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5))
        .build();
  }

  private static GradientCanaries canaries(int count, long seed) {
    return GradientCanaries.builder()
        .count(count)
        .parameterCount(P)
        .samplingRate(Q)
        .norm(1000)
        .contribution(0.25)
        .selectionRandom(new SplittableRandom(seed))
        .build();
  }

  /**
   * With no noise and an empty batch, canary {@code i}'s sum is (its joins) times the clipped
   * canary over the expected batch size: {@code 0.25 (1 - 2^-20)} per join, 0 when excluded. The
   * joins of the included canaries over 400 steps are Binomial(400 k, 0.04): mean 16 k, sd about
   * 3.9 sqrt(k); the tolerance of 4.5 sd fails falsely with probability below 1e-5.
   */
  @Test
  void includedCanariesJoinAtTheSamplingRateAndAreClippedLikeExamples() {
    GradientCanaries canaries = canaries(200, 3);
    DpSgdOptimizer optimizer =
        DpSgdOptimizer.wrap(
                new Sgd(0.1), noiselessConfig(), GaussianTensorNoise.seededNotPrivate(1))
            .gradientInjector(canaries)
            .releasedGradientListener(canaries);
    INDArray params = Nd4j.create(DataType.FLOAT, 1, P);
    PerExampleGradients empty = PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 0, P));
    long joinedRows = 0;
    for (int t = 0; t < 400; t++) {
      joinedRows += optimizer.step(params, empty).batchSize();
    }
    assertEquals(400, canaries.stepsObserved());
    CanaryScores scores = canaries.scores(CanaryScoring.INNER_PRODUCT_SUM);
    double[] sums = scores.scores();
    boolean[] included = scores.included();
    double perJoin = 0.25 * (1 - 0x1p-20);
    long joins = 0;
    int k = scores.includedCount();
    for (int i = 0; i < sums.length; i++) {
      if (!included[i]) {
        assertEquals(0, sums[i], "excluded canary " + i + " never joins");
        continue;
      }
      double count = sums[i] / perJoin;
      assertEquals(Math.rint(count), count, 1e-3, "canary " + i + " adds whole clipped joins");
      joins += Math.round(count);
    }
    assertEquals(joinedRows, joins, "every injected row is an included canary, clipped to 1");
    double mean = 400.0 * k * Q;
    double sd = Math.sqrt(400.0 * k * Q * (1 - Q));
    assertTrue(Math.abs(joins - mean) <= 4.5 * sd, joins + " joins, expected " + mean);
    assertTrue(k > 60 && k < 140, "about half of 200 included: " + k);
  }

  @Test
  void theLikelihoodRatioScoreUsesTheNoiseOfTheReleasedGradient() {
    GradientCanaries canaries = canaries(2, 5);
    float[] values = new float[P];
    SplittableRandom random = new SplittableRandom(9);
    for (int j = 0; j < P; j++) {
      values[j] = (float) (random.nextDouble() * 2 - 1);
    }
    canaries.released(1, Nd4j.createFromArray(values).reshape(1, P));
    double[] x = canaries.scores(CanaryScoring.INNER_PRODUCT_SUM).scores();
    double[] lr = canaries.scores(CanaryScoring.LIKELIHOOD_RATIO).scores();
    double[] sorted = new double[P];
    for (int j = 0; j < P; j++) {
      sorted[j] = values[j];
    }
    java.util.Arrays.sort(sorted);
    double median = 0.5 * (sorted[P / 2 - 1] + sorted[P / 2]);
    double[] deviations = new double[P];
    for (int j = 0; j < P; j++) {
      deviations[j] = Math.abs(sorted[j] - median);
    }
    java.util.Arrays.sort(deviations);
    double s = 1.482602218505602 * 0.5 * (deviations[P / 2 - 1] + deviations[P / 2]);
    for (int i = 0; i < 2; i++) {
      double a = (0.25 * x[i] - 0.5 * 0.25 * 0.25) / (s * s);
      assertEquals(Math.log(1 - Q + Q * Math.exp(a)), lr[i], 1e-12, "canary " + i);
    }
  }

  @Test
  void aClaimForOtherStepsIsRefused() {
    GradientCanaries canaries = canaries(10, 1);
    ClaimedPrivacy claim = ClaimedPrivacy.of(noiselessConfigWithNoise(), 5);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                canaries.audit(
                    claim,
                    CanaryScoring.INNER_PRODUCT_SUM,
                    GuessPlan.defaultFor(10),
                    0.95,
                    false,
                    OptionalDouble.empty()));
    assertEquals("claim.steps() must equal the steps scored 0, got 5", e.getMessage());
  }

  private static DpSgdConfig noiselessConfigWithNoise() {
    return DpSgdConfig.builder()
        .clipNorm(1.0)
        .noiseMultiplier(1.0)
        .targetDelta(1e-5)
        .datasetSize(100)
        .expectedBatchSize(4)
        .plannedSteps(10)
        .build();
  }

  @Test
  void settingsAreChecked() {
    assertEquals(
        "parameterCount must be equal to the canaries' 500, got 7",
        assertThrows(IllegalArgumentException.class, () -> canaries(10, 1).inject(1, 7))
            .getMessage());
    assertEquals(
        "count must be at most the parameter count 500 (one coordinate per canary), got 501",
        assertThrows(IllegalArgumentException.class, () -> canaries(501, 1)).getMessage());
    assertEquals(
        "count must be >= 2, got 1",
        assertThrows(IllegalArgumentException.class, () -> canaries(1, 1)).getMessage());
    assertEquals(
        "contribution must be set, got nothing",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    GradientCanaries.builder()
                        .count(3)
                        .parameterCount(10)
                        .samplingRate(0.5)
                        .norm(10)
                        .build())
            .getMessage());
    assertEquals(
        "samplingRate must be in (0, 1], got NaN",
        assertThrows(
                IllegalArgumentException.class,
                () -> GradientCanaries.builder().samplingRate(Double.NaN))
            .getMessage());
    assertEquals(
        "norm must be at most 3.4028235E38, got 1.0E300",
        assertThrows(IllegalArgumentException.class, () -> GradientCanaries.builder().norm(1e300))
            .getMessage());
    assertEquals(
        "contribution must be positive and finite, got -1.0",
        assertThrows(
                IllegalArgumentException.class, () -> GradientCanaries.builder().contribution(-1))
            .getMessage());
    assertEquals(
        "norm must be positive and finite, got Infinity",
        assertThrows(
                IllegalArgumentException.class,
                () -> GradientCanaries.builder().norm(Double.POSITIVE_INFINITY))
            .getMessage());
  }
}

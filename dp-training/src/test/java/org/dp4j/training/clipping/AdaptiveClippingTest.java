package org.dp4j.training.clipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.optimizer.DpSgdOptimizer;
import org.dp4j.training.testing.TestGradients;
import org.dp4j.training.testing.ZcdpTestAccountant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

class AdaptiveClippingTest {

  private static AdaptiveClipping adaptive(
      double initialClipNorm, double targetQuantile, double learningRate, double countNoiseStd) {
    return AdaptiveClipping.builder()
        .initialClipNorm(initialClipNorm)
        .targetQuantile(targetQuantile)
        .learningRate(learningRate)
        .countNoiseStd(countNoiseStd)
        .build();
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.3, 1.0, 1.9, 1e-3})
  void gradientAndCountNoiseTogetherAreNeverLessPrivateThanAccounted(double z) {
    AdaptiveClipping a = adaptive(1, 0.5, 0.2, 1.0);
    double zGrad = a.gradientNoiseMultiplier(z);
    double combined = 1 / Math.sqrt(1 / (zGrad * zGrad) + 1 / 4.0);
    assertTrue(combined >= z, "combined " + combined + " < accounted " + z);
    assertEquals(z, combined, 1e-12 * z);
  }

  @Test
  void theGeometricUpdateFollowsTheFormula() {
    AdaptiveClipping a = adaptive(1, 0.7, 0.2, 5.0);
    // R = 20 of m = 100 -> fraction 0.7 -> no move.
    assertEquals(2.0, a.nextClipNorm(2.0, 20, 100), 1e-15);
    // All clipped: R = -50 -> fraction 0 -> grow by exp(0.2 * 0.7).
    assertEquals(2.0 * Math.exp(0.14), a.nextClipNorm(2.0, -50, 100), 1e-15);
    assertEquals(1e300, a.nextClipNorm(1e300, -1e6, 1), 0.0);
  }

  @Test
  void theClipNormMovesToTheTargetQuantileDuringTraining() {
    // Every example's gradient has norm 1, so every quantile of the norms is 1.
    DpSgdConfig config =
        DpSgdConfig.builder()
            .adaptiveClipping(adaptive(0.1, 0.5, 0.2, 2.0))
            .noiseMultiplier(1.0)
            .targetDelta(1e-5)
            .datasetSize(10_000)
            .expectedBatchSize(100)
            .plannedSteps(100)
            .filter(PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5))
            .accountant(ZcdpTestAccountant::new)
            .build();
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(new Sgd(0.0), config, GaussianTensorNoise.seededNotPrivate(11));
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 16);
    for (int t = 0; t < 60; t++) {
      float[][] rows = TestGradients.rows(t, 100, 16, 1.0);
      for (float[] row : rows) {
        double n = TestGradients.norm(row);
        for (int j = 0; j < row.length; j++) {
          row[j] /= (float) n;
        }
      }
      opt.step(
          params,
          org.dp4j.training.clipping.PerExampleGradients.ofMatrix(TestGradients.matrix(rows)));
    }
    // From 0.1 the norm grows by up to exp(0.1) per step (23 steps to reach 1), then hovers
    // around 1: the count noise moves the estimated fraction by 2/100 (sd) per step, i.e. the
    // norm by about 0.4% per step.
    assertTrue(opt.clipNorm() > 0.8 && opt.clipNorm() < 1.25, "clip norm " + opt.clipNorm());
  }

  @Test
  void badParametersAreRejectedByName() {
    assertEquals(
        "targetQuantile must be in (0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> adaptive(1, 1.0, 0.2, 1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> adaptive(Double.NaN, 0.5, 0.2, 1));
    assertThrows(IllegalArgumentException.class, () -> adaptive(1, 0.5, -0.2, 1));
    assertThrows(IllegalArgumentException.class, () -> adaptive(1, 0.5, 0.2, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> adaptive(1, 0.5, 0.2, 1).nextClipNorm(1, Double.NaN, 10));
    assertEquals(
        "countNoiseStd must be set, got nothing",
        assertThrows(
                IllegalArgumentException.class,
                () -> AdaptiveClipping.builder().initialClipNorm(1).build())
            .getMessage());
  }
}

package org.dp4j.training.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.training.clipping.PerExampleGradients;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.testing.TestGradients;
import org.dp4j.training.testing.ZcdpTestAccountant;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** The hook after each step: a copy of the noisy gradient the updater received. */
class ReleasedGradientListenerTest {

  private static DpSgdConfig config(PrivacyFilter filter) {
    return DpSgdConfig.builder()
        .clipNorm(1.0)
        .noiseMultiplier(0.0)
        .targetDelta(1e-5)
        .datasetSize(100)
        .expectedBatchSize(4)
        .plannedSteps(10)
        .accountant(ZcdpTestAccountant::new)
        .filter(filter)
        .build();
  }

  @Test
  void hearsTheNoisyGradientBeforeTheUpdaterChangedIt() {
    List<long[]> steps = new ArrayList<>();
    List<float[]> released = new ArrayList<>();
    DpSgdOptimizer optimizer =
        DpSgdOptimizer.wrap(
                new Adam(0.1),
                config(PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5)),
                GaussianTensorNoise.seededNotPrivate(1))
            .releasedGradientListener(
                (step, gradient) -> {
                  steps.add(new long[] {step});
                  released.add(TestGradients.values(gradient));
                  gradient.assign(1e6); // a copy: changing it changes nothing
                });
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 3);
    optimizer.step(
        params,
        PerExampleGradients.ofMatrix(
            TestGradients.matrix(new float[][] {{0.5f, 0f, 0f}, {0f, 6f, 8f}})));
    // No noise: (0.5, 0, 0) + (0, 0.6, 0.8) clipped, over the expected batch size 4.
    float[] expected = {0.125f, 0.15f, 0.2f};
    assertArrayEquals(expected, released.get(0), 1e-6f);
    assertEquals(1, steps.get(0)[0]);
    float[] after = TestGradients.values(params);
    for (float v : after) {
      assertEquals(-0.1f, v, 1e-4f, "Adam's first step moves each coordinate by the rate");
    }
  }

  @Test
  void aRefusedStepReleasesNothingAndTheHookIsFixedAtTheFirstStep() {
    // The test accountant charges a step of noise multiplier 1 as zCDP rho = 1/2: epsilon 5.30
    // at delta 1e-5 for one step, 7.79 for two; a budget of 6 affords exactly one.
    PrivacyFilter oneStep =
        PrivacyFilter.limited(new ZcdpTestAccountant(), PrivacyBudget.approximate(6, 1e-5));
    DpSgdConfig config =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .noiseMultiplier(1.0)
            .targetDelta(1e-5)
            .datasetSize(100)
            .expectedBatchSize(4)
            .plannedSteps(10)
            .accountant(ZcdpTestAccountant::new)
            .filter(oneStep)
            .build();
    List<Long> heard = new ArrayList<>();
    DpSgdOptimizer optimizer =
        DpSgdOptimizer.wrap(new Adam(0.1), config, GaussianTensorNoise.seededNotPrivate(2))
            .releasedGradientListener((step, gradient) -> heard.add(step));
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 2);
    PerExampleGradients g =
        PerExampleGradients.ofMatrix(TestGradients.matrix(new float[][] {{1f, 0f}}));
    optimizer.step(params, g);
    assertThrows(PrivacyBudgetExceededException.class, () -> optimizer.step(params, g));
    assertEquals(List.of(1L), heard);
    assertEquals(1, oneStep.operationCount());
    assertThrows(
        IllegalStateException.class,
        () -> optimizer.releasedGradientListener((step, gradient) -> {}));
    assertThrows(
        NullPointerException.class,
        () -> DpSgdOptimizer.wrap(new Adam(0.1), config).releasedGradientListener(null));
  }
}

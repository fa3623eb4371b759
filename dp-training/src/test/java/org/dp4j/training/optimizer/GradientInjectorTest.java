package org.dp4j.training.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.training.clipping.ClippableGradients;
import org.dp4j.training.clipping.PerExampleGradients;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.testing.TestGradients;
import org.dp4j.training.testing.ZcdpTestAccountant;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/** The hook before clipping: called once per step, and what it injects is clipped like the rest. */
class GradientInjectorTest {

  private static DpSgdConfig config(PrivacyFilter filter) {
    // No noise, SGD with rate 1 and expected batch size 4: the update is the clipped sum / 4.
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

  private static PerExampleGradients rows(float[][] rows) {
    return PerExampleGradients.ofMatrix(TestGradients.matrix(rows));
  }

  @Test
  void injectedGradientsAreClippedAndSummedLikeTheBatchs() {
    PrivacyFilter filter = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    List<long[]> calls = new ArrayList<>();
    DpSgdOptimizer optimizer =
        DpSgdOptimizer.wrap(new Sgd(1.0), config(filter), GaussianTensorNoise.seededNotPrivate(1))
            .gradientInjector(
                (step, parameterCount) -> {
                  calls.add(new long[] {step, parameterCount});
                  // A canary of norm 10 (clipped to 1) and one of norm 0.5 (kept as it is).
                  return Optional.of(rows(new float[][] {{0f, 6f, 8f}, {0.5f, 0f, 0f}}));
                });
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 3);
    StepResult first = optimizer.step(params, rows(new float[][] {{0.5f, 0f, 0f}}));
    // Batch (0.5, 0, 0), canaries (0, 0.6, 0.8) after clipping and (0.5, 0, 0): sum (1, 0.6, 0.8).
    float[] update = TestGradients.values(params.neg());
    float[] expected = {0.25f, 0.15f, 0.2f};
    for (int j = 0; j < 3; j++) {
      // The clipped canary's factor is 2^-20 relatively below 1/10 by design.
      assertEquals(expected[j], update[j], 0x1p-18, "coordinate " + j);
    }
    assertTrue(
        Math.sqrt(update[1] * update[1] + update[2] * update[2]) * 4 <= 1.0,
        "the clipped canary stays inside the clip norm");
    assertEquals(3, first.batchSize());
    assertEquals(1, first.clippedCount());
    optimizer.step(params, PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 0, 3)));
    assertEquals(2, calls.size());
    assertArrayEquals(new long[] {1, 3}, calls.get(0));
    assertArrayEquals(new long[] {2, 3}, calls.get(1));
    assertEquals(2, filter.operationCount());
  }

  @Test
  void byDefaultNothingIsInjected() {
    PrivacyFilter filter = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    DpSgdOptimizer optimizer =
        DpSgdOptimizer.wrap(new Sgd(1.0), config(filter), GaussianTensorNoise.seededNotPrivate(2));
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 3);
    StepResult r = optimizer.step(params, rows(new float[][] {{0.5f, 0f, 0f}}));
    assertEquals(1, r.batchSize());
    assertArrayEquals(new float[] {-0.125f, 0f, 0f}, TestGradients.values(params));
  }

  @Test
  void aMismatchedInjectionIsRefusedBeforeSpendingAndTheHookIsFixedAtTheFirstStep() {
    PrivacyFilter filter = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    DpSgdOptimizer optimizer =
        DpSgdOptimizer.wrap(new Sgd(1.0), config(filter), GaussianTensorNoise.seededNotPrivate(3))
            .gradientInjector(
                (step, p) -> Optional.<ClippableGradients>of(rows(new float[][] {{1f, 2f}})));
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 3);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> optimizer.step(params, rows(new float[][] {{0.5f, 0f, 0f}})));
    assertEquals("injected parameterCount() must be equal to 3, got 2", e.getMessage());
    assertEquals(0, filter.operationCount());
    DpSgdOptimizer plain =
        DpSgdOptimizer.wrap(new Sgd(1.0), config(filter), GaussianTensorNoise.seededNotPrivate(4));
    plain.step(params, rows(new float[][] {{0.5f, 0f, 0f}}));
    assertThrows(
        IllegalStateException.class, () -> plain.gradientInjector((step, p) -> Optional.empty()));
  }
}

package org.dp4j.training.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.training.clipping.PerExampleGradients;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.testing.TestGradients;
import org.dp4j.training.testing.ZcdpTestAccountant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/** The divergence stop of {@link DpSgdOptimizer} and the run names in its ledger labels. */
class DivergenceAndRunNameTest {

  /** Rows inside the unit ball with dyadic entries: the clipped sum is exactly (0.5, 0.75, 0). */
  private static final float[][] ROWS = {{0.5f, 0f, 0f}, {0f, 0.75f, 0f}, {0f, 0f, 0f}};

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

  private static PerExampleGradients batch() {
    return PerExampleGradients.ofMatrix(TestGradients.matrix(ROWS));
  }

  @Test
  void aNonFiniteUpdateIsNotAppliedAndStopsTraining() {
    PrivacyFilter filter = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    // Learning rate 1e300: the float update (0.125, 0.1875, 0) x 1e300 overflows to infinity.
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(
            new Sgd(1e300), config(filter), GaussianTensorNoise.seededNotPrivate(1));
    INDArray params = Nd4j.createFromArray(new float[][] {{1f, 2f, 3f}});
    TrainingDivergedException e =
        assertThrows(TrainingDivergedException.class, () -> opt.step(params, batch()));
    assertEquals(1, e.step());
    assertFalse(e.parametersChanged());
    assertTrue(e.nonFiniteCount() >= 2, "entries 0 and 1 overflow: " + e.nonFiniteCount());
    assertTrue(
        e.getMessage().startsWith("training diverged at step 1: the noisy update has "),
        e.getMessage());
    assertArrayEquals(new float[] {1f, 2f, 3f}, TestGradients.values(params), "not applied");
    assertEquals(1, opt.stepsTaken(), "the diverged step was charged");
    assertEquals(1, filter.operationCount());
    IllegalStateException again =
        assertThrows(IllegalStateException.class, () -> opt.step(params, batch()));
    assertTrue(
        again.getMessage().startsWith("DP-SGD stopped: training diverged at step 1"),
        again.getMessage());
    assertThrows(
        IllegalStateException.class,
        () ->
            opt.stepWithClippedSum(
                params, org.dp4j.training.clipping.FlatClipper.of(1.0).clipAndSum(batch())));
    assertEquals(1, filter.operationCount(), "nothing more is spent");
    assertArrayEquals(new float[] {1f, 2f, 3f}, TestGradients.values(params));
  }

  @Test
  void parametersThatOverflowStopTrainingAtTheFirstNonFiniteValue() {
    PrivacyFilter filter = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    // The mean clipped gradient (0.125, 0.1875, 0) times learning rate 2e38 is the finite float
    // update (2.5e37, 3.75e37, 0) on every step; the second parameter passes -Float.MAX_VALUE
    // (about -3.4e38) at step 10, the first is still finite then.
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(new Sgd(2e38), config(filter), GaussianTensorNoise.seededNotPrivate(1));
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 3);
    TrainingDivergedException e = null;
    long steps = 0;
    while (e == null && steps < 20) {
      try {
        opt.step(params, batch());
        steps++;
      } catch (TrainingDivergedException diverged) {
        e = diverged;
      }
    }
    assertTrue(e != null, "the parameters must overflow within 20 steps");
    // Parameter 1 after k steps is -3.75e37 k (float): finite for k <= 9, -inf at k = 10.
    assertEquals(10, e.step());
    assertTrue(e.parametersChanged());
    assertEquals(1, e.nonFiniteCount());
    assertEquals(10, filter.operationCount());
    assertThrows(IllegalStateException.class, () -> opt.step(params, batch()));
    assertEquals(10, filter.operationCount(), "nothing more is spent");
  }

  @Test
  void finiteTrainingIsNotStopped() {
    PrivacyFilter filter = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(new Sgd(1.0), config(filter), GaussianTensorNoise.seededNotPrivate(3));
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 3);
    for (int i = 0; i < 5; i++) {
      opt.step(params, batch());
    }
    assertEquals(5, opt.stepsTaken());
    assertEquals(0, DpSgdOptimizer.nonFiniteCount(params));
    params.putScalar(1, Float.NaN);
    params.putScalar(2, Float.NEGATIVE_INFINITY);
    assertEquals(2, DpSgdOptimizer.nonFiniteCount(params));
  }

  @Test
  void stepsAreLabelledWithTheRunName() {
    PrivacyFilter filter = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    DpSgdOptimizer byDefault = DpSgdOptimizer.wrap(new Sgd(0.1), config(filter));
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 3);
    StepResult first = byDefault.step(params, batch());
    assertTrue(
        first
            .receipt()
            .label()
            .matches("dp-sgd run \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,3})?Z step 1"),
        first.receipt().label());
    assertEquals(
        byDefault.runName() + " step 2", byDefault.step(params, batch()).receipt().label());
    IllegalStateException late =
        assertThrows(IllegalStateException.class, () -> byDefault.runName("too late"));
    assertTrue(
        late.getMessage().startsWith("runName must be set before the first step"),
        late.getMessage());

    DpSgdOptimizer named = DpSgdOptimizer.wrap(new Sgd(0.1), config(filter)).runName("exp A");
    assertEquals("exp A step 1", named.step(params, batch()).receipt().label());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "two\nlines", "tab\there"})
  void badRunNamesAreRefused(String name) {
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(
            new Sgd(0.1), config(PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5)));
    String before = opt.runName();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> opt.runName(name));
    assertTrue(e.getMessage().startsWith("name must be "), e.getMessage());
    assertEquals(before, opt.runName());
  }

  @Test
  void tooLongAndNullRunNamesAreRefused() {
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(
            new Sgd(0.1), config(PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5)));
    assertThrows(
        IllegalArgumentException.class,
        () -> opt.runName("x".repeat(DpSgdOptimizer.MAX_RUN_NAME_LENGTH + 1)));
    assertThrows(NullPointerException.class, () -> opt.runName(null));
    opt.runName("x".repeat(DpSgdOptimizer.MAX_RUN_NAME_LENGTH));
  }
}

package org.dp4j.training.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
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

/** {@link DpSgdOptimizer#stepWithClippedSum}: the same step as {@code step} after clipping. */
class StepWithClippedSumTest {

  private static DpSgdConfig config(PrivacyFilter filter) {
    return DpSgdConfig.builder()
        .clipNorm(1.0)
        .noiseMultiplier(1.0)
        .targetDelta(1e-5)
        .datasetSize(100)
        .expectedBatchSize(10)
        .plannedSteps(10)
        .accountant(ZcdpTestAccountant::new)
        .filter(filter)
        .build();
  }

  private static DpSgdOptimizer optimizer(PrivacyFilter filter) {
    return DpSgdOptimizer.wrap(
        new Adam(0.1), config(filter), GaussianTensorNoise.seededNotPrivate(3));
  }

  private static ClippedSum emptySum(int length, double sensitivity) {
    return ClippedSum.builder()
        .sum(Nd4j.create(DataType.FLOAT, 1, length))
        .l2Sensitivity(sensitivity)
        .build();
  }

  @Test
  void equalsStepOnThePerExampleGradients() {
    INDArray gradients = TestGradients.matrix(TestGradients.rows(1, 12, 7, 1.0));
    INDArray a = Nd4j.create(DataType.FLOAT, 1, 7);
    INDArray b = Nd4j.create(DataType.FLOAT, 1, 7);
    PrivacyFilter fa = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    PrivacyFilter fb = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    DpSgdOptimizer viaStep = optimizer(fa);
    DpSgdOptimizer viaSum = optimizer(fb);
    for (int k = 0; k < 3; k++) {
      StepResult r1 = viaStep.step(a, PerExampleGradients.ofMatrix(gradients));
      ClippedSum sum = FlatClipper.of(1.0).clipAndSum(PerExampleGradients.ofMatrix(gradients));
      StepResult r2 = viaSum.stepWithClippedSum(b, sum);
      assertEquals(r1.step(), r2.step());
      assertEquals(r1.noiseStandardDeviation(), r2.noiseStandardDeviation());
    }
    assertEquals(a, b);
    assertEquals(fa.spent(), fb.spent());
  }

  @Test
  void aSensitivityOtherThanTheClipNormIsRejectedBeforeSpending() {
    PrivacyFilter filter = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    DpSgdOptimizer optimizer = optimizer(filter);
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 4);
    ClippedSum loose = emptySum(4, 2.0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> optimizer.stepWithClippedSum(params, loose));
    assertEquals(
        "clipped.l2Sensitivity() must be equal to the current clip norm 1.0, got 2.0",
        e.getMessage());
    ClippedSum wrongLength = emptySum(5, 1.0);
    assertThrows(
        IllegalArgumentException.class, () -> optimizer.stepWithClippedSum(params, wrongLength));
    assertEquals(0, filter.operationCount());
    assertEquals(0, optimizer.stepsTaken());
    assertTrue(params.norm2Number().doubleValue() == 0.0);
  }
}

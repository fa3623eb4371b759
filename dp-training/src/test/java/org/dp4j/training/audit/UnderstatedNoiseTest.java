package org.dp4j.training.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.optimizer.DpSgdOptimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/** The deliberate fault: factor times less noise, and never called private. */
class UnderstatedNoiseTest {

  @Test
  void addsFactorTimesLessNoise() {
    INDArray faulty = Nd4j.create(DataType.FLOAT, 1, 1000);
    INDArray honest = Nd4j.create(DataType.FLOAT, 1, 1000);
    UnderstatedNoise.deliberateFaultNotPrivate(GaussianTensorNoise.seededNotPrivate(5), 4)
        .addNoise(faulty, 8.0);
    GaussianTensorNoise.seededNotPrivate(5).addNoise(honest, 2.0);
    assertArrayEquals(honest.toFloatVector(), faulty.toFloatVector());
  }

  @Test
  void isNeverPrivateAndTheStatementSaysSo() {
    UnderstatedNoise noise =
        UnderstatedNoise.deliberateFaultNotPrivate(GaussianTensorNoise.secure(), 4);
    assertFalse(noise.isPrivate());
    assertEquals(4, noise.factor());
    assertTrue(noise.toString().contains("DELIBERATE FAULT, NOT PRIVATE"), noise.toString());
    DpSgdConfig config =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .noiseMultiplier(1.0)
            .targetDelta(1e-5)
            .datasetSize(100)
            .expectedBatchSize(10)
            .plannedSteps(5)
            .build();
    DpSgdOptimizer optimizer = DpSgdOptimizer.wrap(new Sgd(0.1), config, noise);
    assertTrue(optimizer.privacyStatement().text().startsWith("NOT PRIVATE"));
  }

  @ParameterizedTest
  @ValueSource(doubles = {1.0, 0.5, 0, -2, Double.NaN, Double.POSITIVE_INFINITY})
  void aFactorThatDoesNotUnderstateIsRefused(double factor) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                UnderstatedNoise.deliberateFaultNotPrivate(
                    GaussianTensorNoise.seededNotPrivate(1), factor));
    assertEquals("factor must be above 1 and finite, got " + factor, e.getMessage());
  }
}

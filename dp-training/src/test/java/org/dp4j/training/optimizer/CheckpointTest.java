package org.dp4j.training.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
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

class CheckpointTest {

  private static DpSgdConfig config(double sigma, PrivacyFilter filter) {
    return DpSgdConfig.builder()
        .clipNorm(1.0)
        .noiseMultiplier(sigma)
        .targetDelta(1e-5)
        .datasetSize(1000)
        .expectedBatchSize(8)
        .plannedSteps(100)
        .accountant(ZcdpTestAccountant::new)
        .filter(filter)
        .build();
  }

  private static PerExampleGradients batch(int t) {
    return PerExampleGradients.ofMatrix(TestGradients.matrix(TestGradients.rows(t, 8, 30, 1.0)));
  }

  private static double epsilonOf(DpSgdConfig config, long steps) {
    return new ZcdpTestAccountant().compose(config.eventForSteps(steps)).epsilon(1e-5);
  }

  @Test
  void aResumedRunContinuesExactlyWhereTheCheckpointWas() {
    PrivacyFilter filter = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    INDArray straight = Nd4j.create(DataType.FLOAT, 3, 10).addi(0.5);
    DpSgdOptimizer a =
        DpSgdOptimizer.wrap(
            new Adam(0.05), config(0.0, filter), GaussianTensorNoise.seededNotPrivate(1));
    for (int t = 0; t < 5; t++) {
      a.step(straight, batch(t));
    }

    PrivacyFilter filterB = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    DpSgdConfig noiseless = config(0.0, filterB);
    INDArray resumed = Nd4j.create(DataType.FLOAT, 3, 10).addi(0.5);
    DpSgdOptimizer b =
        DpSgdOptimizer.wrap(new Adam(0.05), noiseless, GaussianTensorNoise.seededNotPrivate(1));
    for (int t = 0; t < 3; t++) {
      b.step(resumed, batch(t));
    }
    byte[] saved = b.checkpoint(resumed).toBytes();
    INDArray fresh = Nd4j.create(DataType.FLOAT, 3, 10);
    DpSgdOptimizer c =
        DpSgdOptimizer.restore(
            new Adam(0.05),
            noiseless,
            GaussianTensorNoise.seededNotPrivate(1),
            DpSgdCheckpoint.fromBytes(saved),
            fresh,
            ResumeAccounting.ALREADY_IN_FILTER);
    assertEquals(resumed, fresh);
    assertEquals(3, c.stepsTaken());
    for (int t = 3; t < 5; t++) {
      c.step(fresh, batch(t));
    }
    assertEquals(straight, fresh); // Adam's moments were restored, or this would differ
    assertEquals(5, filterB.operationCount());
  }

  @Test
  void theSameFilterIsNotChargedAgainAndANewFilterIsChargedOnce() {
    PrivacyFilter filter = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    DpSgdConfig cfg = config(2.0, filter);
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 30);
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(new Adam(0.05), cfg, GaussianTensorNoise.seededNotPrivate(2));
    for (int t = 0; t < 3; t++) {
      opt.step(params, batch(t));
    }
    DpSgdCheckpoint cp = opt.checkpoint(params);
    assertEquals(filter.spent(), cp.spentEpsilon());
    assertEquals(3, cp.filterOperations());

    DpSgdOptimizer same =
        DpSgdOptimizer.restore(
            new Adam(0.05),
            cfg,
            GaussianTensorNoise.seededNotPrivate(3),
            cp,
            params,
            ResumeAccounting.ALREADY_IN_FILTER);
    assertEquals(3, filter.operationCount());
    same.step(params, batch(3));
    same.step(params, batch(4));
    assertEquals(epsilonOf(cfg, 5), filter.spent(), 1e-12 * filter.spent());

    PrivacyFilter other = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    DpSgdOptimizer moved =
        DpSgdOptimizer.restore(
            new Adam(0.05),
            config(2.0, other),
            GaussianTensorNoise.seededNotPrivate(4),
            cp,
            params,
            ResumeAccounting.CHARGE_PAST_STEPS);
    assertEquals(epsilonOf(cfg, 3), other.spent(), 1e-12 * other.spent());
    moved.step(params, batch(3));
    moved.step(params, batch(4));
    assertEquals(epsilonOf(cfg, 5), other.spent(), 1e-12 * other.spent());
    assertEquals(5, moved.stepsTaken());
  }

  @Test
  void claimingTheStepsAreInAFreshFilterIsRefused() {
    PrivacyFilter filter = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 30);
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(
            new Adam(0.05), config(2.0, filter), GaussianTensorNoise.seededNotPrivate(5));
    opt.step(params, batch(0));
    opt.step(params, batch(1));
    DpSgdCheckpoint cp = opt.checkpoint(params);
    PrivacyFilter fresh = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    INDArray target = Nd4j.create(DataType.FLOAT, 1, 30);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                DpSgdOptimizer.restore(
                    new Adam(0.05),
                    config(2.0, fresh),
                    GaussianTensorNoise.seededNotPrivate(6),
                    cp,
                    target,
                    ResumeAccounting.ALREADY_IN_FILTER));
    assertTrue(e.getMessage().contains("got 0 step events"), e.getMessage());
    assertEquals(0, fresh.operationCount());
    assertEquals(Nd4j.create(DataType.FLOAT, 1, 30), target);
  }

  @Test
  void mismatchedCheckpointsAreRejected() {
    PrivacyFilter filter = PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
    DpSgdConfig cfg = config(2.0, filter);
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 30);
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(new Adam(0.05), cfg, GaussianTensorNoise.seededNotPrivate(7));
    opt.step(params, batch(0));
    DpSgdCheckpoint cp = opt.checkpoint(params);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DpSgdOptimizer.restore(
                new Adam(0.05),
                config(3.0, filter),
                GaussianTensorNoise.seededNotPrivate(8),
                cp,
                params,
                ResumeAccounting.ALREADY_IN_FILTER));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DpSgdOptimizer.restore(
                new Adam(0.05),
                cfg,
                GaussianTensorNoise.seededNotPrivate(8),
                cp,
                Nd4j.create(DataType.FLOAT, 30, 1),
                ResumeAccounting.ALREADY_IN_FILTER));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DpSgdOptimizer.restore(
                new org.nd4j.linalg.learning.config.Sgd(0.1),
                cfg,
                GaussianTensorNoise.seededNotPrivate(8),
                cp,
                params,
                ResumeAccounting.ALREADY_IN_FILTER));
  }

  @Test
  void bytesRoundTripAndCorruptionIsDetected() {
    DpSgdCheckpoint cp =
        new DpSgdCheckpoint(
            4,
            1.5,
            1.1,
            0.01,
            new double[] {1, 2, 3, 4, 5, 6},
            new long[] {2, 3},
            new double[] {0.5, -0.5},
            0.25,
            9);
    byte[] bytes = cp.toBytes();
    assertEquals(cp, DpSgdCheckpoint.fromBytes(bytes));
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
    assertThrows(IllegalArgumentException.class, () -> DpSgdCheckpoint.fromBytes(truncated));
    byte[] badMagic = bytes.clone();
    badMagic[0] ^= 1;
    assertThrows(IllegalArgumentException.class, () -> DpSgdCheckpoint.fromBytes(badMagic));
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThrows(IllegalArgumentException.class, () -> DpSgdCheckpoint.fromBytes(longer));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DpSgdCheckpoint(
                4, 1.5, 1.1, 0.01, new double[5], new long[] {2, 3}, new double[0], 0.25, 9));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DpSgdCheckpoint(
                -1, 1.5, 1.1, 0.01, new double[6], new long[] {2, 3}, new double[0], 0.25, 9));
  }
}

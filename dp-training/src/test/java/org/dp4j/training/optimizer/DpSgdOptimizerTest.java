package org.dp4j.training.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.training.clipping.PerExampleGradients;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.sampling.PoissonBatchSampler;
import org.dp4j.training.testing.TestGradients;
import org.dp4j.training.testing.ZcdpTestAccountant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

class DpSgdOptimizerTest {

  /** Two-sided normal quantile for a false-failure rate of 1e-5. */
  private static final double Z = 4.417;

  private static DpSgdConfig.Builder base(double clipNorm, double sigma, int n, double batch) {
    return DpSgdConfig.builder()
        .clipNorm(clipNorm)
        .noiseMultiplier(sigma)
        .targetDelta(1e-5)
        .datasetSize(n)
        .expectedBatchSize(batch)
        .plannedSteps(100)
        .accountant(ZcdpTestAccountant::new);
  }

  private static PrivacyFilter odometer() {
    return PrivacyFilter.odometer(new ZcdpTestAccountant(), 1e-5);
  }

  @Test
  void withoutNoiseTheSgdUpdateIsExactlyTheMeanOfClippedGradients() {
    // Rows inside the ball (norms 0.5, 0.75, 0) with dyadic entries: every float operation is
    // exact.
    float[][] rows = {{0.5f, 0f, 0f}, {0f, 0.75f, 0f}, {0f, 0f, 0f}};
    INDArray params = Nd4j.createFromArray(new float[][] {{1f, 2f, 3f}});
    DpSgdConfig config = base(1.0, 0.0, 100, 4).build(); // expected batch size 4
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(new Sgd(1.0), config, GaussianTensorNoise.seededNotPrivate(1));
    opt.step(params, PerExampleGradients.ofMatrix(TestGradients.matrix(rows)));
    // Hand-computed: sum = (0.5, 0.75, 0), divided by 4 = (0.125, 0.1875, 0).
    assertArrayEquals(new float[] {0.875f, 1.8125f, 3f}, TestGradients.values(params));
  }

  @Test
  void withoutNoiseClippedRowsEnterTheMeanScaledToTheClipNorm() {
    float[][] rows = {{3f, 4f}, {0.3f, 0.4f}, {-6f, 8f}};
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 2);
    DpSgdConfig config = base(1.0, 0.0, 1000, 10).build();
    DpSgdOptimizer.wrap(new Sgd(1.0), config, GaussianTensorNoise.seededNotPrivate(2))
        .step(params, PerExampleGradients.ofMatrix(TestGradients.matrix(rows)));
    // Hand-computed: (3,4)/5 + (0.3,0.4) + (-6,8)/10 = (0.3, 2.0); mean over 10 = (0.03, 0.2).
    double[] expected = {-0.03, -0.2};
    float[] actual = TestGradients.values(params);
    for (int j = 0; j < 2; j++) {
      // The clip factor is 2^-20 relatively below C/||g|| by design; float ops add a few 2^-24.
      assertEquals(expected[j], actual[j], 0x1p-18 * 2.0 / 10, "coordinate " + j);
    }
  }

  @Test
  void withZeroGradientsTheUpdateHasStdSigmaCOverB() {
    int p = 100_000;
    double clipNorm = 2.0;
    double sigma = 1.5;
    double batch = 8;
    INDArray params = Nd4j.create(DataType.FLOAT, 1, p);
    DpSgdConfig config = base(clipNorm, sigma, 1000, batch).build();
    DpSgdOptimizer.wrap(new Sgd(1.0), config, GaussianTensorNoise.seededNotPrivate(3))
        .step(params, PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 5, p)));
    float[] update = TestGradients.values(params);
    double expectedStd = sigma * clipNorm / batch;
    assertTrue(stdFits(update, expectedStd));
    assertFalse(stdFits(update, expectedStd * 1.02), "the check must reject a 2% wrong std");
    assertFalse(stdFits(update, sigma * clipNorm / 5), "dividing by the realised size is wrong");
  }

  /**
   * Whether the sample variance of x (mean known to be 0) fits sd^2: tolerance Z sd^2 sqrt(2/n), a
   * false-failure rate of about 1e-5 (normal approximation, n = 1e5).
   */
  private static boolean stdFits(float[] x, double sd) {
    double ss = 0;
    for (float v : x) {
      ss += (double) v * v;
    }
    double var = ss / x.length;
    return Math.abs(var - sd * sd) <= Z * sd * sd * Math.sqrt(2.0 / x.length);
  }

  @ParameterizedTest
  @ValueSource(strings = {"adam", "nesterovs"})
  void theWrappedUpdaterSeesTheNoisyMeanGradient(String which) {
    IUpdater updater = which.equals("adam") ? new Adam(0.01) : new Nesterovs(0.1, 0.9);
    float[][] rows = TestGradients.rows(4, 6, 50, 1.0);
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 50).addi(1.0);
    INDArray reference = params.dup();
    DpSgdConfig config = base(1.0, 0.0, 600, 6).build();
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(updater, config, GaussianTensorNoise.seededNotPrivate(5));
    // Reference: the same ND4J updater on the hand-clipped mean.
    INDArray state = Nd4j.create(DataType.FLOAT, 1, updater.stateSize(50));
    GradientUpdater<?> ref = updater.clone().instantiate(state, true);
    ref.setStateViewArray(state, new long[] {1, 50}, 'c', true);
    for (int t = 0; t < 3; t++) {
      opt.step(params, PerExampleGradients.ofMatrix(TestGradients.matrix(rows)));
      INDArray mean = Nd4j.create(DataType.FLOAT, 1, 50);
      for (float[] row : rows) {
        double f = Math.min(1.0, 1.0 / TestGradients.norm(row));
        mean.addi(Nd4j.createFromArray(new float[][] {row}).muli(f));
      }
      mean.divi(6);
      ref.applyUpdater(mean, t, 0);
      reference.subi(mean);
    }
    assertTrue(reference.equalsWithEps(params, 1e-5), reference + " vs " + params);
  }

  @Test
  void trainingStopsExactlyWhenTheNextStepWouldOverspend() {
    double sigma = 6.0; // the test accountant ignores amplification: about 12 steps fit in 3.0
    double q = 0.01;
    PrivacyBudget budget = PrivacyBudget.approximate(3.0, 1e-5);
    PrivacyFilter filter = PrivacyFilter.limited(new ZcdpTestAccountant(), budget);
    DpSgdConfig config =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .noiseMultiplier(sigma)
            .targetDelta(1e-5)
            .datasetSize(1000)
            .samplingRate(q)
            .plannedSteps(1000)
            .accountant(ZcdpTestAccountant::new)
            .filter(filter)
            .build();
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(new Sgd(0.1), config, GaussianTensorNoise.seededNotPrivate(6));
    PoissonBatchSampler sampler = PoissonBatchSampler.of(1000, q, new SplittableRandom(7));
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 4);
    PrivacyBudgetExceededException refused = null;
    long guard = 0;
    while (refused == null && guard++ < 10_000) {
      int b = sampler.nextBatch().length;
      INDArray grads = Nd4j.create(DataType.FLOAT, b, 4).addi(0.5);
      try {
        opt.step(params, PerExampleGradients.ofMatrix(grads));
      } catch (PrivacyBudgetExceededException e) {
        refused = e;
      }
    }
    assertTrue(refused != null, "the loop must be stopped by the budget");
    long k = opt.stepsTaken();
    assertTrue(k > 0);
    // Exactly at the boundary: k steps fit, k + 1 do not (same accountant, fresh).
    assertTrue(epsilonOf(config, k) <= 3.0);
    assertTrue(epsilonOf(config, k + 1) > 3.0);
    // The filter's spend equals a fresh computation of the same k steps.
    assertEquals(epsilonOf(config, k), filter.spent(), 1e-12 * filter.spent());
    assertEquals(epsilonOf(config, k), opt.privacyStatement().epsilon(), 1e-12);
    // The refused step changed nothing.
    INDArray before = params.dup();
    double spentBefore = filter.spent();
    assertThrows(
        PrivacyBudgetExceededException.class,
        () -> opt.step(params, PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 3, 4))));
    assertEquals(before, params);
    assertEquals(k, opt.stepsTaken());
    assertEquals(spentBefore, filter.spent());
  }

  private static double epsilonOf(DpSgdConfig config, long steps) {
    return new ZcdpTestAccountant().compose(config.eventForSteps(steps)).epsilon(1e-5);
  }

  @Test
  void theStepEventIsThePoissonSampledGaussian() {
    DpSgdConfig config = base(1.0, 0.8, 1000, 10).build();
    DpSgdOptimizer opt = DpSgdOptimizer.wrap(new Sgd(0.1), config);
    assertEquals(new PoissonSampledEvent(0.01, new GaussianEvent(0.8)), opt.stepEvent());
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 3);
    StepResult r =
        opt.step(params, PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 2, 3)));
    assertEquals(opt.stepEvent(), r.receipt().event());
    assertEquals(1, r.step());
    assertEquals(0.8, r.noiseStandardDeviation());
    assertTrue(opt.privacyStatement().privateNoise());
  }

  @Test
  void badInputIsRejectedBeforeAnythingIsSpent() {
    PrivacyFilter filter = odometer();
    DpSgdConfig config = base(1.0, 1.0, 100, 10).filter(filter).build();
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(new Sgd(0.1), config, GaussianTensorNoise.seededNotPrivate(8));
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 5);
    IllegalArgumentException shape =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                opt.step(params, PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 2, 4))));
    assertEquals(
        "gradients.parameterCount() must be equal to parameters.length() 5, got 4",
        shape.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            opt.step(
                Nd4j.create(DataType.INT, 1, 5),
                PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 2, 5))));
    assertThrows(NullPointerException.class, () -> opt.step(params, null));
    INDArray nanRows = Nd4j.createFromArray(new float[][] {{Float.NaN, 0, 0, 0, 0}});
    DpSgdConfig rejecting =
        base(1.0, 1.0, 100, 10)
            .filter(filter)
            .nonFinitePolicy(org.dp4j.training.clipping.NonFiniteGradientPolicy.REJECT_BATCH)
            .build();
    DpSgdOptimizer strict =
        DpSgdOptimizer.wrap(new Sgd(0.1), rejecting, GaussianTensorNoise.seededNotPrivate(9));
    assertThrows(
        IllegalArgumentException.class,
        () -> strict.step(params, PerExampleGradients.ofMatrix(nanRows)));
    assertEquals(0, filter.operationCount());
    assertEquals(0, opt.stepsTaken());
    assertEquals(Nd4j.create(DataType.FLOAT, 1, 5), params);
    // Once trained on a shape, another shape is refused.
    opt.step(params, PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 2, 5)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            opt.step(
                Nd4j.create(DataType.FLOAT, 5, 1),
                PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 2, 5))));
  }

  @Test
  void aFilterThatCannotAccountForTheStepIsRefusedAtBuildTime() {
    PrivacyFilter basic =
        PrivacyFilter.odometer(new org.dp4j.core.accounting.BasicCompositionAccountant(), 1e-5);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> base(1.0, 1.0, 100, 10).filter(basic).build());
    assertTrue(
        e.getMessage().startsWith("filter accountant must be a ZcdpTestAccountant"),
        e.getMessage());
    // Without an accountant of its own, the configuration takes the filter's, which cannot.
    IllegalArgumentException adopted =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DpSgdConfig.builder()
                    .clipNorm(1.0)
                    .noiseMultiplier(1.0)
                    .datasetSize(100)
                    .expectedBatchSize(10)
                    .plannedSteps(10)
                    .filter(basic)
                    .build());
    assertTrue(
        adopted.getMessage().startsWith("accountant must be able to account"),
        adopted.getMessage());
    PrivacyFilter replace =
        PrivacyFilter.odometer(new ZcdpTestAccountant(NeighbouringRelation.REPLACE_ONE), 1e-5);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            base(1.0, 1.0, 100, 10)
                .relation(NeighbouringRelation.ADD_OR_REMOVE_ONE)
                .filter(replace)
                .build());
  }

  @Test
  void seededNoiseMakesTheStatementSayNotPrivate() {
    DpSgdConfig config = base(1.0, 1.0, 100, 10).build();
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(new Sgd(0.1), config, GaussianTensorNoise.seededNotPrivate(10));
    assertFalse(opt.privacyStatement().privateNoise());
    assertTrue(opt.privacyStatement().text().startsWith("NOT PRIVATE"));
  }

  @Test
  void emptyBatchesStillTakeANoisyStep() {
    DpSgdConfig config = base(1.0, 1.0, 100, 10).build();
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(new Sgd(1.0), config, GaussianTensorNoise.seededNotPrivate(11));
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 1000);
    StepResult r =
        opt.step(params, PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 0, 1000)));
    assertEquals(0, r.batchSize());
    assertTrue(params.norm2Number().doubleValue() > 0, "noise is added even to an empty batch");
  }

  @Test
  void perLayerStepsScaleTheNoiseByTheCombinedSensitivity() {
    DpSgdConfig config =
        DpSgdConfig.builder()
            .perLayerClipNorms(3.0, 4.0)
            .noiseMultiplier(0.5)
            .targetDelta(1e-5)
            .datasetSize(100)
            .expectedBatchSize(10)
            .plannedSteps(10)
            .accountant(ZcdpTestAccountant::new)
            .build();
    DpSgdOptimizer opt =
        DpSgdOptimizer.wrap(new Sgd(1.0), config, GaussianTensorNoise.seededNotPrivate(12));
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 5);
    INDArray weights = Nd4j.create(DataType.FLOAT, 4, 2, 1);
    INDArray bias = Nd4j.create(DataType.FLOAT, 4, 3);
    StepResult r = opt.step(params, PerExampleGradients.ofBlocks(weights, bias));
    assertEquals(0.5 * 5.0, r.noiseStandardDeviation(), 1e-12);
    assertTrue(r.noiseStandardDeviation() >= 2.5);
    assertEquals(4, r.batchSize());
  }
}

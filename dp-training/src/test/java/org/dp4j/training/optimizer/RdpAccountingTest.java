package org.dp4j.training.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.PrivacyLedger;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.testing.RefData;
import org.dp4j.training.clipping.PerExampleGradients;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.config.PrivacyStatement;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.sampling.PoissonBatchSampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

/** The training loop against the real RDP accountant and the reference tables. */
class RdpAccountingTest {

  private static final double DELTA = 1e-5;

  private static DpSgdConfig config(
      double q, double sigma, int n, long steps, PrivacyFilter filter) {
    return DpSgdConfig.builder()
        .clipNorm(1.0)
        .noiseMultiplier(sigma)
        .targetDelta(DELTA)
        .datasetSize(n)
        .samplingRate(q)
        .plannedSteps(steps)
        .accountant(AccountantKind.RDP)
        .filter(filter)
        .build();
  }

  /** What {@code dp4j epsilon} computes: one fresh RDP accountant, steps x the DP-SGD step. */
  private static double freshEpsilon(double q, double sigma, long steps) {
    return new RdpAccountant()
        .compose(new PoissonSampledEvent(q, new GaussianEvent(sigma)), steps)
        .epsilon(DELTA);
  }

  @Test
  void aBudgetedLoopStopsExactlyAtTheBoundaryAndSpendsWhatAFreshAccountantReports() {
    double q = 0.02;
    double sigma = 1.0;
    // The budget sits halfway between 60 and 61 steps: exactly 60 fit.
    double budget = 0.5 * (freshEpsilon(q, sigma, 60) + freshEpsilon(q, sigma, 61));
    PrivacyFilter filter =
        PrivacyFilter.limited(new RdpAccountant(), PrivacyBudget.approximate(budget, DELTA));
    DpSgdConfig config = config(q, sigma, 5000, 1000, filter);
    DpSgdOptimizer optimizer =
        DpSgdOptimizer.wrap(new Sgd(0.1), config, GaussianTensorNoise.seededNotPrivate(1));
    PoissonBatchSampler sampler = PoissonBatchSampler.of(5000, q, new SplittableRandom(2));
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 4);
    PrivacyBudgetExceededException refused = null;
    for (int t = 0; t < 1000 && refused == null; t++) {
      INDArray grads = Nd4j.create(DataType.FLOAT, sampler.nextBatch().length, 4).addi(1.0);
      try {
        optimizer.step(params, PerExampleGradients.ofMatrix(grads));
      } catch (PrivacyBudgetExceededException e) {
        refused = e;
      }
    }
    assertTrue(refused != null);
    assertEquals(60, optimizer.stepsTaken());
    double fresh = freshEpsilon(q, sigma, 60);
    // Sixty separate compositions against one self-composition: the same RDP curve up to the
    // rounding of 60 additions per order (about 60 ulps).
    assertEquals(fresh, filter.spent(), 1e-12 * fresh);
    assertEquals(fresh, optimizer.privacyStatement().epsilon(), 1e-12 * fresh);
    INDArray before = params.dup();
    assertThrows(
        PrivacyBudgetExceededException.class,
        () ->
            optimizer.step(
                params, PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 3, 4))));
    assertEquals(before, params);
  }

  static Stream<RefData.Row> mnistRows() {
    return RefData.load("sgm_rdp.csv").stream()
        .filter(r -> r.text("q_label").equals("256/60000"))
        .filter(r -> r.text("neighboring_relation").equals("add_or_remove_one"));
  }

  /**
   * The planned statement of an MNIST-shaped config (q = 256/60000) is the RDP epsilon of the same
   * DP-SGD event, and never above the reference libraries' RDP values by more than the 1% the RDP
   * accountant allows itself against Opacus' truncated series.
   */
  @ParameterizedTest
  @MethodSource("mnistRows")
  void plannedStatementsMatchTheReferenceAccountants(RefData.Row row) {
    double q = row.number("q");
    double sigma = row.number("sigma");
    long steps = (long) row.number("steps");
    double delta = row.number("delta");
    DpSgdConfig config =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .noiseMultiplier(sigma)
            .targetDelta(delta)
            .datasetSize(60_000)
            .expectedBatchSize(256)
            .plannedSteps(steps)
            .accountant(AccountantKind.RDP)
            .build();
    assertEquals(q, config.samplingRate(), 1e-18);
    PrivacyStatement statement = config.privacyStatement();
    double ours =
        new RdpAccountant()
            .compose(
                new PoissonSampledEvent(config.samplingRate(), new GaussianEvent(sigma)), steps)
            .epsilon(delta);
    assertEquals(ours, statement.epsilon());
    double anchors = Math.min(row.number("dp_accounting_rdp_eps"), row.number("opacus_rdp_eps"));
    assertTrue(statement.epsilon() <= 1.01 * anchors, () -> row + " ours " + ours);
  }

  /** A target calibrated with the RDP accountant is met, and barely less noise would miss it. */
  @Test
  void calibratedTargetsAreMetUnderRdp() {
    PrivacyBudget target = PrivacyBudget.approximate(2.0, DELTA);
    DpSgdConfig config =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .target(target)
            .datasetSize(60_000)
            .expectedBatchSize(256)
            .plannedSteps(2000)
            .accountant(AccountantKind.RDP)
            .build();
    assertTrue(config.privacyStatement().epsilon() <= 2.0);
    double lessNoise = config.noiseMultiplier() * (1 - 2e-4); // twice the calibration tolerance
    assertTrue(freshEpsilon(config.samplingRate(), lessNoise, 2000) > 2.0);
  }

  @Test
  void poissonSamplingUnderReplaceOneIsRefusedAtBuildTime() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DpSgdConfig.builder()
                    .clipNorm(1.0)
                    .noiseMultiplier(1.0)
                    .targetDelta(DELTA)
                    .datasetSize(1000)
                    .samplingRate(0.01)
                    .plannedSteps(10)
                    .relation(org.dp4j.core.NeighbouringRelation.REPLACE_ONE)
                    .accountant(AccountantKind.RDP)
                    .build());
    assertTrue(
        e.getMessage().startsWith("accountant must be able to account for DP-SGD steps"),
        e.getMessage());
  }

  @Test
  void aRunResumedFromALedgerAccountsEachStepExactlyOnce(@TempDir Path dir) throws Exception {
    double q = 0.02;
    double sigma = 1.2;
    Path file = dir.resolve("run.ledger");
    PrivacyBudget budget = PrivacyBudget.approximate(10.0, DELTA);
    INDArray params = Nd4j.create(DataType.FLOAT, 1, 4);
    byte[] saved;
    try (PrivacyLedger ledger = PrivacyLedger.create(file, new RdpAccountant(), budget)) {
      DpSgdOptimizer first =
          DpSgdOptimizer.wrap(
              new Adam(0.01),
              config(q, sigma, 5000, 100, ledger.filter()),
              GaussianTensorNoise.seededNotPrivate(3));
      for (int t = 0; t < 3; t++) {
        first.step(params, PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 5, 4).addi(t)));
      }
      saved = first.checkpoint(params).toBytes();
      // A fourth step is spent (and journalled) but its update is lost with the process.
      first.step(params.dup(), PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 5, 4)));
    }
    try (PrivacyLedger reopened = PrivacyLedger.open(file, new RdpAccountant())) {
      PrivacyFilter filter = reopened.filter();
      INDArray restoredParams = Nd4j.create(DataType.FLOAT, 1, 4);
      DpSgdOptimizer resumed =
          DpSgdOptimizer.restore(
              new Adam(0.01),
              config(q, sigma, 5000, 100, filter),
              GaussianTensorNoise.seededNotPrivate(4),
              DpSgdCheckpoint.fromBytes(saved),
              restoredParams,
              ResumeAccounting.ALREADY_IN_FILTER);
      assertEquals(4, filter.operationCount()); // nothing re-charged on restore
      assertEquals(3, resumed.stepsTaken());
      resumed.step(restoredParams, PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 5, 4)));
      // Three checkpointed steps, the lost fourth (released to the ledger, so it counts) and the
      // resumed one: five charges, never six, never four.
      double five = freshEpsilon(q, sigma, 5);
      assertEquals(five, filter.spent(), 1e-12 * five);
    }
  }
}

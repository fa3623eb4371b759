package org.dp4j.dl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.budget.LedgerMismatchException;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.PrivacyLedger;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.dp4j.training.clipping.PerExampleGradients;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.config.PrivacyStatement;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.optimizer.DpSgdCheckpoint;
import org.dp4j.training.optimizer.ResumeAccounting;
import org.dp4j.training.optimizer.StepResult;
import org.dp4j.training.optimizer.TrainingDivergedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

/** The private trainer end to end: learning, budget enforcement, listener, checkpoint/resume. */
class DpTrainerTest {

  private static final int N = 600;
  private static final int D = 8;

  /** Two Gaussian blobs per class centre, three classes: linearly separable with margin. */
  private static DataSet blobs(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    INDArray centres = TestNetworks.gaussian(seed + 1, 3, D, 2.0);
    float[][] x = new float[N][D];
    float[][] y = new float[N][3];
    INDArray noise = TestNetworks.gaussian(seed + 2, N, D, 0.5);
    for (int i = 0; i < N; i++) {
      int c = random.nextInt(3);
      y[i][c] = 1f;
      for (int j = 0; j < D; j++) {
        x[i][j] = centres.getFloat(c, j) + noise.getFloat(i, j);
      }
    }
    return new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(y));
  }

  /** A fixed-noise run of {@code steps} steps of expected batch size 60 on {@code filter}. */
  private static DpTrainer.Builder builder(
      MultiLayerNetwork network, DataSet data, long steps, double sigma, PrivacyFilter filter) {
    return DpTrainer.builder(network, data)
        .clipNorm(1.0)
        .noiseMultiplier(sigma)
        .targetDelta(1e-5)
        .batchSize(60)
        .steps(steps)
        .filter(filter);
  }

  private static MultiLayerNetwork network(long seed) {
    return TestNetworks.mlp(
        seed, D, new int[] {16}, Activation.TANH, Head.SOFTMAX_MCXENT, 3, true, false);
  }

  private static double accuracy(MultiLayerNetwork network, DataSet data) {
    INDArray predicted = network.output(data.getFeatures()).argMax(1);
    INDArray truth = data.getLabels().argMax(1);
    return predicted
            .eq(truth)
            .castTo(org.nd4j.linalg.api.buffer.DataType.INT)
            .sumNumber()
            .doubleValue()
        / data.numExamples();
  }

  @Test
  void trainsPrivatelyAndReportsEverySpend() {
    DataSet data = blobs(3);
    MultiLayerNetwork network = network(4);
    double before = accuracy(network, data);
    PrivacyFilter filter =
        PrivacyFilter.limited(new RdpAccountant(), PrivacyBudget.approximate(10, 1e-5));
    List<StepResult> reports = new ArrayList<>();
    DpTrainer trainer =
        builder(network, data, 150, 1.0, filter)
            .updater(new Adam(0.02))
            .listener(reports::add)
            .noise(GaussianTensorNoise.seededNotPrivate(5))
            .batchSamplingRandomNotPrivate(new SplittableRandom(6))
            .build();
    assertEquals(GradientMethod.GHOST, trainer.gradientMethod());
    assertEquals(150, trainer.train());
    double after = accuracy(network, data);
    assertTrue(after >= 0.9 && after > before + 0.2, "accuracy " + before + " -> " + after);
    assertEquals(150, reports.size());
    for (int k = 1; k < reports.size(); k++) {
      assertEquals(k + 1, reports.get(k).step());
      assertTrue(reports.get(k).spentEpsilon() > reports.get(k - 1).spentEpsilon());
      assertTrue(reports.get(k).meanLoss().isPresent(), "the non-private diagnostic");
    }
    assertEquals(filter.spent(), reports.get(149).spentEpsilon());
    assertEquals(150, filter.operationCount());
    assertFalse(trainer.privacyStatement().privateNoise());
    assertFalse(trainer.privacyStatement().privateSampling(), "seeded batches: no guarantee");
    assertFalse(trainer.privacyStatement().isGuarantee());
    assertEquals(1e-5, reports.get(149).delta());
    // The filter's spend (all steps composed) is the statement's epsilon.
    assertEquals(trainer.privacyStatement().epsilon(), filter.spent(), 1e-9 * filter.spent());
  }

  @Test
  void aStepTheBudgetCannotAffordChangesNothing() {
    DataSet data = blobs(7);
    MultiLayerNetwork network = network(8);
    PrivacyFilter filter =
        PrivacyFilter.limited(new RdpAccountant(), PrivacyBudget.approximate(3.0, 1e-5));
    DpTrainer trainer =
        builder(network, data, 1000, 1.2, filter)
            .updater(new Sgd(0.1))
            .batchSamplingRandomNotPrivate(new SplittableRandom(9))
            .build();
    assertThrows(PrivacyBudgetExceededException.class, trainer::train);
    long steps = trainer.stepsTaken();
    assertTrue(steps > 0 && steps < 1000, "steps " + steps);
    INDArray params = network.params().dup();
    double spent = filter.spent();
    assertThrows(PrivacyBudgetExceededException.class, trainer::step);
    assertEquals(params, network.params());
    assertEquals(spent, filter.spent());
    assertEquals(steps, trainer.stepsTaken());
    assertTrue(filter.spent() <= 3.0);
  }

  @Test
  void ghostAndBatchOfOneTrainTheSameWithTheSameRandomness() {
    DataSet data = blobs(11);
    INDArray[] finals = new INDArray[2];
    GradientMethod[] methods = {GradientMethod.GHOST, GradientMethod.BATCH_OF_ONE};
    for (int m = 0; m < 2; m++) {
      MultiLayerNetwork network = network(12);
      DpTrainer trainer =
          builder(network, data, 5, 1.0, PrivacyFilter.odometer(new RdpAccountant(), 1e-5))
              .updater(new Sgd(0.1))
              .gradientMethod(methods[m])
              .noise(GaussianTensorNoise.seededNotPrivate(13))
              .batchSamplingRandomNotPrivate(new SplittableRandom(14))
              .build();
      trainer.train();
      finals[m] = network.params().dup();
    }
    float[] a = finals[0].data().asFloat();
    float[] b = finals[1].data().asFloat();
    for (int j = 0; j < a.length; j++) {
      assertEquals(a[j], b[j], 1e-4 * Math.max(1, Math.abs(a[j])), "parameter " + j);
    }
  }

  @Test
  void resumesFromACheckpointChargingPastStepsOnce() {
    DataSet data = blobs(21);
    MultiLayerNetwork network = network(22);
    PrivacyFilter filter = PrivacyFilter.odometer(new RdpAccountant(), 1e-5);
    DpTrainer first = builder(network, data, 20, 1.0, filter).updater(new Adam(0.01)).build();
    for (int k = 0; k < 8; k++) {
      first.step();
    }
    DpSgdCheckpoint checkpoint = DpSgdCheckpoint.fromBytes(first.checkpoint().toBytes());

    MultiLayerNetwork restored = network(99); // different initial parameters
    PrivacyFilter fresh = PrivacyFilter.odometer(new RdpAccountant(), 1e-5);
    DpTrainer second =
        builder(restored, data, 20, 1.0, fresh)
            .updater(new Adam(0.01))
            .resumeFrom(checkpoint, ResumeAccounting.CHARGE_PAST_STEPS)
            .build();
    assertEquals(network.params(), restored.params());
    assertEquals(8, second.stepsTaken());
    assertEquals(12, second.train());
    assertEquals(20, second.stepsTaken());
    assertEquals(
        second.config().privacyStatement(20, true).epsilon(), fresh.spent(), 1e-9 * fresh.spent());
  }

  @Test
  void badSettingsAreRejected() {
    DataSet data = blobs(31);
    MultiLayerNetwork network = network(32);
    PrivacyFilter filter = PrivacyFilter.odometer(new RdpAccountant(), 1e-5);
    MultiLayerNetwork mixed =
        TestNetworks.build(
            TestNetworks.builder(33)
                .layer(
                    new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder()
                        .nIn(D)
                        .nOut(4)
                        .updater(new Sgd(0.1))
                        .build())
                .layer(
                    new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                            org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT)
                        .nIn(4)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .updater(new Adam(0.1))
                        .build()),
            33);
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class, () -> builder(mixed, data, 5, 1.0, filter).build());
    assertEquals(
        "updater must be set (the network's layers do not share one updater), got " + "nothing",
        missing.getMessage());
    // The dataset size comes from the data; the batch size must fit in it.
    assertEquals(
        N,
        builder(network, data, 5, 1.0, filter)
            .updater(new Sgd(0.1))
            .build()
            .config()
            .datasetSize());
    IllegalArgumentException size =
        assertThrows(
            IllegalArgumentException.class,
            () -> builder(network, data, 5, 1.0, filter).batchSize(N + 1).build());
    assertEquals(
        "batchSize must be at most the number of training examples 600, got 601",
        size.getMessage());
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> builder(network, data, 5, 1.0, filter).epochs(2).build())
            .getMessage()
            .startsWith("epochs must be set, or steps set, but not both"));
    assertThrows(NullPointerException.class, () -> DpTrainer.builder(network, null));
  }

  @Test
  void divergenceStopsTrainingAndSpendsNothingMore() {
    DataSet data = blobs(21);
    MultiLayerNetwork network = network(22);
    INDArray before = network.params().dup();
    PrivacyFilter filter =
        PrivacyFilter.limited(new RdpAccountant(), PrivacyBudget.approximate(10, 1e-5));
    List<StepResult> reports = new ArrayList<>();
    // Learning rate 1e300: the first update overflows the float parameters' type.
    DpTrainer trainer =
        builder(network, data, 50, 1.0, filter)
            .updater(new Sgd(1e300))
            .listener(reports::add)
            .runName("diverging run")
            .batchSamplingRandomNotPrivate(new SplittableRandom(23))
            .build();
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class, trainer::train);
    assertEquals(1, e.step());
    assertFalse(e.parametersChanged());
    assertEquals(before, network.params(), "a non-finite update is not applied");
    assertEquals(1, filter.operationCount(), "the diverged step was charged");
    assertEquals(1, trainer.stepsTaken());
    assertTrue(reports.isEmpty(), "the listener hears only completed steps");
    assertThrows(IllegalStateException.class, trainer::step);
    assertEquals(1, filter.operationCount(), "nothing more is spent");
  }

  @Test
  void stepsAreChargedUnderTheRunName() {
    DataSet data = blobs(31);
    PrivacyFilter filter = PrivacyFilter.odometer(new RdpAccountant(), 1e-5);
    DpTrainer named =
        builder(network(32), data, 2, 1.0, filter).updater(new Sgd(0.1)).runName("trial 7").build();
    List<StepResult> reports = new ArrayList<>();
    DpTrainer listened =
        builder(network(33), data, 1, 1.0, filter)
            .updater(new Sgd(0.1))
            .listener(reports::add)
            .build();
    assertEquals("trial 7 step 1", named.step().receipt().label());
    assertEquals("trial 7 step 2", named.step().receipt().label());
    assertEquals("trial 7", named.runName());
    listened.train();
    assertTrue(
        reports.get(0).receipt().label().startsWith("dp-sgd run "),
        reports.get(0).receipt().label());
    assertTrue(named.privacyStatement().isGuarantee(), "secure noise and sampling by default");
    assertThrows(
        IllegalArgumentException.class,
        () -> builder(network(34), data, 1, 1.0, filter).updater(new Sgd(0.1)).runName("").build());
  }

  /** The quick start: the target, batch size and epochs are all it states. */
  @Test
  void everythingElseIsDerivedFromTheTargetAndTheData() {
    DataSet data = blobs(41);
    PrivacyBudget target = PrivacyBudget.approximate(3, 1e-5);
    DpTrainer trainer =
        DpTrainer.builder(network(42), data).target(target).batchSize(60).epochs(2).build();
    DpSgdConfig config = trainer.config();
    assertEquals(N, config.datasetSize());
    assertEquals(20, config.plannedSteps());
    assertEquals(60.0, config.expectedBatchSize());
    assertEquals(Optional.of(AccountantKind.PLD), config.accountantKind());
    assertEquals(DpTrainer.DEFAULT_CLIP_NORM, config.clipper().l2Sensitivity());
    assertEquals(Optional.of(target), trainer.filter().budget());
    assertEquals(20, trainer.train());
    PrivacyStatement statement = trainer.privacyStatement();
    assertTrue(statement.epsilon() <= 3.0, statement.text());
    assertEquals(PldAccountant.class, statement.accountant());
    assertEquals(statement.epsilon(), trainer.filter().spent(), 1e-6 * statement.epsilon());
    assertTrue(statement.isGuarantee());
  }

  /**
   * A ledger named on the builder is opened (created the first time) with the run's accountant and
   * delta; the second run on it is calibrated to what it can still afford, and a run that states
   * another accountant cannot be built on it.
   */
  @Test
  void runsOnALedgerAreCalibratedToWhatItCanStillAfford(@TempDir Path dir) throws Exception {
    DataSet data = blobs(51);
    Path file = dir.resolve("training.ledger");
    PrivacyBudget target = PrivacyBudget.approximate(3, 1e-5);
    double[] noise = new double[2];
    for (int run = 0; run < 2; run++) {
      try (DpTrainer trainer =
          DpTrainer.builder(network(52 + run), data)
              .target(target)
              .batchSize(60)
              .epochs(2)
              .ledger(file, 3.3)
              .build()) {
        assertEquals(20, trainer.train());
        noise[run] = trainer.config().noiseMultiplier();
        assertTrue(trainer.privacyStatement().epsilon() <= 3.0);
        assertEquals(run == 1, trainer.config().calibration().orElseThrow().filterSetsTheNoise());
        assertTrue(trainer.filter().spent() <= 3.3, "ledger total " + trainer.filter().spent());
      }
    }
    assertTrue(
        noise[1] > noise[0],
        "the ledger's remainder sets more noise: " + noise[0] + " then " + noise[1]);
    assertThrows(
        LedgerMismatchException.class,
        () ->
            DpTrainer.builder(network(54), data)
                .target(target)
                .batchSize(60)
                .epochs(2)
                .accountant(AccountantKind.RDP)
                .ledger(file, 3.3)
                .build());
    assertEquals(40, PrivacyLedger.read(file).spendCount(), "the refused run spent nothing");
  }

  @Test
  void theGradientInjectorIsCalledOnEveryStepBeforeClipping() {
    DataSet data = blobs(61);
    MultiLayerNetwork network = network(62);
    List<Long> steps = new ArrayList<>();
    DpTrainer trainer =
        builder(network, data, 3, 1.0, PrivacyFilter.odometer(new RdpAccountant(), 1e-5))
            .gradientInjector(
                (step, parameterCount) -> {
                  steps.add(step);
                  assertEquals(network.numParams(), parameterCount);
                  return Optional.of(
                      PerExampleGradients.ofMatrix(Nd4j.ones(DataType.FLOAT, 1, parameterCount)));
                })
            .batchSamplingRandomNotPrivate(new SplittableRandom(63))
            .build();
    List<StepResult> results = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      results.add(trainer.step());
    }
    assertEquals(List.of(1L, 2L, 3L), steps);
    for (StepResult r : results) {
      assertTrue(r.clippedCount() >= 1, "the canary of norm sqrt(P) is clipped to 1");
    }
  }
}

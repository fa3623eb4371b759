package org.dp4j.dl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.optimizer.DpSgdCheckpoint;
import org.dp4j.training.optimizer.ResumeAccounting;
import org.dp4j.training.optimizer.TrainingDivergedException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
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

  private static DpSgdConfig config(long steps, double sigma) {
    return DpSgdConfig.builder()
        .clipNorm(1.0)
        .noiseMultiplier(sigma)
        .targetDelta(1e-5)
        .datasetSize(N)
        .expectedBatchSize(60)
        .plannedSteps(steps)
        .accountant(RdpAccountant::new)
        .build();
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
    DpSgdConfig config = config(150, 1.0);
    PrivacyFilter filter =
        PrivacyFilter.limited(new RdpAccountant(), PrivacyBudget.approximate(10, 1e-5));
    List<StepReport> reports = new ArrayList<>();
    DpTrainer trainer =
        DpTrainer.builder(network, data, config, filter)
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
      assertTrue(reports.get(k).epsilonSpent() > reports.get(k - 1).epsilonSpent());
    }
    assertEquals(filter.spent(), reports.get(149).epsilonSpent());
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
    DpSgdConfig config = config(1000, 1.2);
    PrivacyFilter filter =
        PrivacyFilter.limited(new RdpAccountant(), PrivacyBudget.approximate(3.0, 1e-5));
    DpTrainer trainer =
        DpTrainer.builder(network, data, config, filter)
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
          DpTrainer.builder(
                  network, data, config(5, 1.0), PrivacyFilter.odometer(new RdpAccountant(), 1e-5))
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
    DpTrainer first =
        DpTrainer.builder(network, data, config(20, 1.0), filter).updater(new Adam(0.01)).build();
    for (int k = 0; k < 8; k++) {
      first.step();
    }
    DpSgdCheckpoint checkpoint = DpSgdCheckpoint.fromBytes(first.checkpoint().toBytes());

    MultiLayerNetwork restored = network(99); // different initial parameters
    PrivacyFilter fresh = PrivacyFilter.odometer(new RdpAccountant(), 1e-5);
    DpTrainer second =
        DpTrainer.builder(restored, data, config(20, 1.0), fresh)
            .updater(new Adam(0.01))
            .resumeFrom(checkpoint, ResumeAccounting.CHARGE_PAST_STEPS)
            .build();
    assertEquals(network.params(), restored.params());
    assertEquals(8, second.stepsTaken());
    assertEquals(12, second.train());
    assertEquals(20, second.stepsTaken());
    assertEquals(
        config(20, 1.0).privacyStatement(20, true).epsilon(), fresh.spent(), 1e-9 * fresh.spent());
  }

  @Test
  void badSettingsAreRejected() {
    DataSet data = blobs(31);
    MultiLayerNetwork network = network(32);
    PrivacyFilter filter = PrivacyFilter.odometer(new RdpAccountant(), 1e-5);
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> DpTrainer.builder(network, data, config(5, 1.0), filter).build());
    assertEquals("updater must be set, got nothing", missing.getMessage());
    DpSgdConfig wrongSize =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .noiseMultiplier(1.0)
            .targetDelta(1e-5)
            .datasetSize(N + 1)
            .expectedBatchSize(60)
            .plannedSteps(5)
            .accountant(RdpAccountant::new)
            .build();
    IllegalArgumentException size =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DpTrainer.builder(network, data, wrongSize, filter).updater(new Sgd(0.1)).build());
    assertTrue(
        size.getMessage().startsWith("data size must be equal to config.datasetSize()"),
        size.getMessage());
    assertThrows(
        NullPointerException.class, () -> DpTrainer.builder(network, null, config(5, 1.0), filter));
  }

  @Test
  void divergenceStopsTrainingAndSpendsNothingMore() {
    DataSet data = blobs(21);
    MultiLayerNetwork network = network(22);
    INDArray before = network.params().dup();
    PrivacyFilter filter =
        PrivacyFilter.limited(new RdpAccountant(), PrivacyBudget.approximate(10, 1e-5));
    List<StepReport> reports = new ArrayList<>();
    // Learning rate 1e300: the first update overflows the float parameters' type.
    DpTrainer trainer =
        DpTrainer.builder(network, data, config(50, 1.0), filter)
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
        DpTrainer.builder(network(32), data, config(2, 1.0), filter)
            .updater(new Sgd(0.1))
            .runName("trial 7")
            .build();
    List<StepReport> reports = new ArrayList<>();
    DpTrainer listened =
        DpTrainer.builder(network(33), data, config(1, 1.0), filter)
            .updater(new Sgd(0.1))
            .listener(reports::add)
            .build();
    assertEquals("trial 7 step 1", named.step().result().receipt().label());
    assertEquals("trial 7 step 2", named.step().result().receipt().label());
    assertEquals("trial 7", named.runName());
    listened.train();
    assertTrue(
        reports.get(0).result().receipt().label().startsWith("dp-sgd run "),
        reports.get(0).result().receipt().label());
    assertTrue(named.privacyStatement().isGuarantee(), "secure noise and sampling by default");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DpTrainer.builder(network(34), data, config(1, 1.0), filter)
                .updater(new Sgd(0.1))
                .runName("")
                .build());
  }
}

package org.dp4j.dl4j.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.gradients.NetworkGradients;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.dp4j.training.audit.AuditResult;
import org.dp4j.training.audit.CanaryKind;
import org.dp4j.training.audit.GuessPlan;
import org.dp4j.training.audit.GuessRule;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Audits of real DpTrainer runs on a small network: the claim, the canaries' path, the checks. */
class PrivacyAuditTest {

  private static final int N = 600;

  /** Informative features; the rest are always 0, so their first-layer weights get no gradient. */
  private static final int D = 8;

  private static final int WIDTH = 200;

  private static DataSet blobs(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    INDArray centres = TestNetworks.gaussian(seed + 1, 3, D, 2.0);
    INDArray noise = TestNetworks.gaussian(seed + 2, N, D, 0.5);
    float[][] x = new float[N][WIDTH];
    float[][] y = new float[N][3];
    for (int i = 0; i < N; i++) {
      int c = random.nextInt(3);
      y[i][c] = 1f;
      for (int j = 0; j < D; j++) {
        x[i][j] = centres.getFloat(c, j) + noise.getFloat(i, j);
      }
    }
    return new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(y));
  }

  /**
   * 3,267 parameters: 200 x 16 + 16 + 16 x 3 + 3, of which the 3,072 weights of the 192 zero
   * features never get a gradient from the data: a canary there meets no interference from the
   * training examples, only noise (Keinan, Shenfeld &amp; Ligett 2025 on interference).
   */
  private static MultiLayerNetwork network(long seed) {
    return TestNetworks.mlp(
        seed, WIDTH, new int[] {16}, Activation.TANH, Head.SOFTMAX_MCXENT, 3, true, false);
  }

  private static double epsilon(double q, double z, long steps) {
    PrivacyAccountant pld = AccountantKind.PLD.create(NeighbouringRelation.ADD_OR_REMOVE_ONE);
    pld.compose(new GaussianEvent(z).poissonSampled(q).repeated(steps));
    return pld.epsilon(1e-5);
  }

  /**
   * Noise understated 100 times (multiplier 4 accounted, 0.04 added): each included canary joins
   * about 5 of the 50 steps and stands far above the noise, so the top 19 scores are included
   * canaries unless one of them never joined (probability 0.9^50 = 0.5% each); the bound, about 1.5
   * even with a wrong guess, is far above the claim of about 0.45.
   */
  @Test
  void gradientCanariesCatchUnderstatedNoiseAndTheClaimIsTheRunsOwn() {
    AuditResult result =
        PrivacyAudit.builder(network(1), blobs(2))
            .run(
                b -> b.noiseMultiplier(4.0).targetDelta(1e-5).clipNorm(1.0).batchSize(60).steps(50))
            .canaries(190)
            .guessPlan(GuessPlan.of(new GuessRule(19, 19)))
            .selectionRandom(new SplittableRandom(3))
            .fdpAnalysis(false)
            .deliberateFaultUnderstateNoise(100)
            .build()
            .audit();
    assertEquals(CanaryKind.GRADIENT, result.kind());
    assertEquals(50, result.claim().steps());
    assertEquals(0.1, result.claim().config().samplingRate(), 1e-15);
    assertEquals(epsilon(0.1, 4.0, 50), result.claimedEpsilon(), 1e-12);
    assertEquals(190, result.canaries());
    assertEquals(100, result.understatedNoiseFactor().getAsDouble());
    assertTrue(result.counts().correct() >= 34, result.summary());
    assertTrue(result.exceedsClaim(), result.summary());
  }

  /**
   * The same run without the fault, audited at confidence 1 - 1e-6: the theorems the audit rests on
   * bound the probability that a correct run's (epsilon, delta) bound exceeds its claim, and that
   * the f-DP test rejects its claimed curve, by 1e-6 each, so this test fails falsely with
   * probability at most 2e-6 (the canaries are seeded; batches and noise are SecureRandom).
   */
  @Test
  void theCorrectRunRaisesNoFalseAlarm() {
    AuditResult result =
        PrivacyAudit.builder(network(1), blobs(2))
            .run(
                b -> b.noiseMultiplier(4.0).targetDelta(1e-5).clipNorm(1.0).batchSize(60).steps(50))
            .canaries(190)
            .guessPlan(GuessPlan.of(new GuessRule(19, 19)))
            .confidence(1 - 1e-6)
            .selectionRandom(new SplittableRandom(3))
            .build()
            .audit();
    assertTrue(result.understatedNoiseFactor().isEmpty());
    assertTrue(result.epsilonLowerBound() <= result.claimedEpsilon(), result.summary());
    assertFalse(result.exceedsClaim(), result.summary());
    assertFalse(result.fdp().orElseThrow().rejectsClaimedCurve(), result.summary());
  }

  @Test
  void inputCanariesAreSlotsOfTheTrainingSetSoTheClaimCountsThem() {
    AuditResult result =
        PrivacyAudit.builder(network(4), blobs(5))
            .run(b -> b.noiseMultiplier(1.0).targetDelta(1e-5).batchSize(64).steps(20))
            .canaryKind(CanaryKind.INPUT)
            .canaries(40)
            .selectionRandom(new SplittableRandom(6))
            .fdpAnalysis(false)
            .build()
            .audit();
    assertEquals(CanaryKind.INPUT, result.kind());
    assertEquals(N + 40, result.claim().config().datasetSize());
    assertEquals(64.0 / (N + 40), result.claim().config().samplingRate(), 1e-15);
    assertEquals(epsilon(64.0 / (N + 40), 1.0, 20), result.claimedEpsilon(), 1e-12);
    assertEquals(40, result.scores().canaries());
  }

  /**
   * An excluded input canary's slot: the trainer samples its NaN row, the clipper skips it, and the
   * clipped sum is exactly that of the batch without it.
   */
  @Test
  void aNanSlotContributesExactlyNothing() {
    MultiLayerNetwork network = network(7);
    DataSet data = blobs(8);
    INDArray x = data.getFeatures().getRows(0, 1, 2, 3, 4);
    INDArray y = data.getLabels().getRows(0, 1, 2, 3, 4);
    INDArray nanRow = Nd4j.valueArrayOf(new long[] {1, WIDTH}, Double.NaN, x.dataType());
    NetworkGradients gradients = NetworkGradients.forNetwork(network, GradientMethod.AUTO);
    FlatClipper clipper = FlatClipper.of(0.5);
    ClippedSum without = clipper.clipAndSum(gradients.gradients(x, y));
    ClippedSum with =
        clipper.clipAndSum(
            gradients.gradients(
                Nd4j.concat(0, x, nanRow), Nd4j.concat(0, y, data.getLabels().getRows(5))));
    assertArrayEquals(without.sum().toFloatVector(), with.sum().toFloatVector());
    assertEquals(1, with.nonFiniteCount());
    assertEquals(6, with.batchSize());
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, 0, 1, -0.5, 1e300, Double.POSITIVE_INFINITY})
  void aBadConfidenceIsRefusedByName(double confidence) {
    PrivacyAudit.Builder builder = PrivacyAudit.builder(network(11), blobs(12));
    assertEquals(
        "confidence must be in (0, 1), got " + confidence,
        assertThrows(IllegalArgumentException.class, () -> builder.confidence(confidence))
            .getMessage());
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, 0, 0.5, -4, Double.POSITIVE_INFINITY})
  void aBadFaultFactorIsRefusedByName(double factor) {
    PrivacyAudit.Builder builder = PrivacyAudit.builder(network(13), blobs(14));
    assertEquals(
        "factor must be above 1 and finite, got " + factor,
        assertThrows(
                IllegalArgumentException.class,
                () -> builder.deliberateFaultUnderstateNoise(factor))
            .getMessage());
  }

  @Test
  void settingsAreChecked() {
    MultiLayerNetwork network = network(9);
    DataSet data = blobs(10);
    assertEquals(
        "run must be set (the run's settings), got nothing",
        assertThrows(
                IllegalArgumentException.class, () -> PrivacyAudit.builder(network, data).build())
            .getMessage());
    assertEquals(
        "factor must be above 1 and finite, got 1.0",
        assertThrows(
                IllegalArgumentException.class,
                () -> PrivacyAudit.builder(network, data).deliberateFaultUnderstateNoise(1))
            .getMessage());
    assertEquals(
        "guessPlan must be rules with at most 10 guesses (the canaries), got"
            + " GuessPlan[rules=[GuessRule[top=6, bottom=6]]]",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    PrivacyAudit.builder(network, data)
                        .run(b -> {})
                        .canaries(10)
                        .guessPlan(GuessPlan.of(new GuessRule(6, 6)))
                        .build())
            .getMessage());
    assertEquals(
        "inputCanaries must be used with canaryKind INPUT, got GRADIENT",
        assertThrows(
                IllegalArgumentException.class,
                () -> PrivacyAudit.builder(network, data).run(b -> {}).inputCanaries(data).build())
            .getMessage());
    assertEquals(
        "inputCanaries must be exactly 10 examples (the canary count), got 600",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    PrivacyAudit.builder(network, data)
                        .run(b -> b.noiseMultiplier(1.0).targetDelta(1e-5).batchSize(60).steps(2))
                        .canaryKind(CanaryKind.INPUT)
                        .canaries(10)
                        .inputCanaries(data)
                        .build()
                        .audit())
            .getMessage());
    assertEquals(
        "count must be at most the parameter count 3267 (one coordinate per canary), got 5000",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    PrivacyAudit.builder(network, data)
                        .run(b -> b.noiseMultiplier(1.0).targetDelta(1e-5).batchSize(60).steps(2))
                        .canaries(5000)
                        .build()
                        .audit())
            .getMessage());
    assertEquals(
        "canaries must be >= 2, got 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> PrivacyAudit.builder(network, data).canaries(1))
            .getMessage());
  }
}

package org.dp4j.training.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.dp4j.training.clipping.AdaptiveClipping;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.clipping.PerLayerClipper;
import org.dp4j.training.sampling.SamplingScheme;
import org.dp4j.training.testing.ZcdpTestAccountant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DpSgdConfigTest {

  private static DpSgdConfig.Builder valid() {
    return DpSgdConfig.builder()
        .clipNorm(1.0)
        .noiseMultiplier(1.1)
        .targetDelta(1e-5)
        .datasetSize(60_000)
        .expectedBatchSize(256)
        .plannedSteps(1000)
        .accountant(ZcdpTestAccountant::new);
  }

  private static AdaptiveClipping adaptive(double countNoiseStd) {
    return AdaptiveClipping.builder()
        .initialClipNorm(0.1)
        .targetQuantile(0.5)
        .learningRate(0.2)
        .countNoiseStd(countNoiseStd)
        .build();
  }

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void expectedBatchSizeSetsTheRateAndTheStepEvent() {
    DpSgdConfig c = valid().build();
    assertEquals(256.0 / 60_000, c.samplingRate());
    assertEquals(256.0, c.expectedBatchSize(), 1e-12);
    assertEquals(new PoissonSampledEvent(256.0 / 60_000, new GaussianEvent(1.1)), c.stepEvent());
    assertEquals(new SelfComposedEvent(c.stepEvent(), 7), c.eventForSteps(7));
    assertTrue(c.clipper() instanceof FlatClipper);
    assertEquals(256.0, c.expectedBatchSize(), "the expected batch size as given, no round trip");
    assertEquals(1.1, c.gradientNoiseMultiplier());
  }

  @Test
  void rateOneIsThePlainGaussian() {
    DpSgdConfig full =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .noiseMultiplier(2.0)
            .targetDelta(1e-5)
            .datasetSize(10)
            .samplingRate(1.0)
            .plannedSteps(5)
            .accountant(ZcdpTestAccountant::new)
            .build();
    assertEquals(new GaussianEvent(2.0), full.stepEvent());
  }

  @Test
  void aTargetIsCalibratedToTheSmallestSufficientNoise() {
    PrivacyBudget target = PrivacyBudget.approximate(2.0, 1e-5);
    DpSgdConfig c =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .target(target)
            .datasetSize(1000)
            .samplingRate(0.01)
            .plannedSteps(100)
            .accountant(ZcdpTestAccountant::new)
            .build();
    double sigma = c.noiseMultiplier();
    assertEquals(1e-5, c.targetDelta());
    assertEquals(target, c.target().orElseThrow());
    double eps = new ZcdpTestAccountant().compose(c.eventForSteps(100)).epsilon(1e-5);
    assertTrue(eps <= 2.0, "calibrated epsilon " + eps + " exceeds the target");
    double lessNoise = sigma * (1 - 2e-4); // twice the calibration's relative tolerance
    double epsLess =
        new ZcdpTestAccountant()
            .compose(
                new SelfComposedEvent(
                    new PoissonSampledEvent(0.01, new GaussianEvent(lessNoise)), 100))
            .epsilon(1e-5);
    assertTrue(epsLess > 2.0, "a smaller multiplier must overspend: " + epsLess);
    PrivacyStatement planned = c.privacyStatement();
    assertEquals(eps, planned.epsilon(), 1e-12);
    assertTrue(planned.isGuarantee());
  }

  @Test
  void theStatementStatesEpsilonDeltaSamplingAndRelation() {
    PrivacyStatement s = valid().build().privacyStatement(10, true);
    assertEquals(10, s.steps());
    assertTrue(s.poissonAnalysisApplies());
    String text = s.text();
    assertTrue(text.contains("(epsilon = "), text);
    assertTrue(text.contains("delta = 1.00e-05"), text);
    assertTrue(text.contains("Poisson sampling"), text);
    assertTrue(text.contains("add-or-remove-one"), text);
    assertTrue(text.contains("ZcdpTestAccountant"), text);
    assertTrue(
        text.contains(
            "Unit of privacy: one training example (add-or-remove-one neighbouring relation:"
                + " training sets that differ by adding or removing one example)"),
        text);
    assertTrue(
        text.endsWith(
            "Not covered: hyperparameters chosen by looking at the same data, the split of the data"
                + " and its seed, and evaluation on validation or test data, which the guarantee"
                + " does not protect."),
        text);
    assertTrue(s.privateSampling());
    assertEquals(0.0, valid().build().privacyStatement(0, true).epsilon());
  }

  @Test
  void seededBatchSamplingIsNoGuarantee() {
    DpSgdConfig c = valid().build();
    PrivacyStatement seeded = c.privacyStatement(10, true, false);
    assertFalse(seeded.isGuarantee());
    assertFalse(seeded.privateSampling());
    assertTrue(
        seeded
            .text()
            .startsWith(
                "NOT PRIVATE: the batches came from a seeded testing generator, so they are"
                    + " predictable and amplification by sampling does not hold; no guarantee"
                    + " holds."),
        seeded.text());
    PrivacyStatement both = c.privacyStatement(10, false, false);
    assertTrue(
        both.text()
            .startsWith(
                "NOT PRIVATE: the noise came from a seeded testing "
                    + "generator, and the batches came from a seeded testing generator"),
        both.text());
    assertEquals(c.privacyStatement(10, true).epsilon(), seeded.epsilon());
    assertTrue(c.privacyStatement(10, true, true).isGuarantee());
  }

  @Test
  void shuffledBatchesClaimNoAmplificationAndNeedReplaceOne() {
    DpSgdConfig c =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .noiseMultiplier(1.1)
            .targetDelta(1e-5)
            .datasetSize(60_000)
            .samplingScheme(SamplingScheme.SHUFFLED_FIXED_SIZE)
            .fixedBatchSize(256)
            .relation(NeighbouringRelation.REPLACE_ONE)
            .plannedSteps(100)
            .accountant(ZcdpTestAccountant::new)
            .build();
    assertEquals(new GaussianEvent(1.1), c.stepEvent());
    assertEquals(256.0, c.expectedBatchSize());
    PrivacyStatement s = c.privacyStatement();
    assertFalse(s.poissonAnalysisApplies());
    assertTrue(s.text().contains("NOT Poisson-sampled"), s.text());
    assertTrue(s.text().contains("no amplification"), s.text());
    assertTrue(s.text().contains("replace-one"), s.text());
    assertTrue(s.text().contains("differ by replacing one example with another"), s.text());
    String m =
        message(
            () ->
                DpSgdConfig.builder()
                    .clipNorm(1.0)
                    .noiseMultiplier(1.1)
                    .targetDelta(1e-5)
                    .datasetSize(100)
                    .samplingScheme(SamplingScheme.SHUFFLED_FIXED_SIZE)
                    .fixedBatchSize(10)
                    .plannedSteps(10)
                    .accountant(ZcdpTestAccountant::new)
                    .build());
    assertTrue(m.startsWith("relation must be REPLACE_ONE with SHUFFLED_FIXED_SIZE"), m);
  }

  @Test
  void perLayerAndAdaptiveClipping() {
    DpSgdConfig layered = valid().clipNorm(1.0).build();
    assertEquals(1.0, layered.clipper().l2Sensitivity());
    DpSgdConfig perLayer =
        DpSgdConfig.builder()
            .perLayerClipNorms(3, 4)
            .noiseMultiplier(1.0)
            .targetDelta(1e-5)
            .datasetSize(100)
            .samplingRate(0.1)
            .plannedSteps(10)
            .accountant(ZcdpTestAccountant::new)
            .build();
    assertTrue(perLayer.clipper() instanceof PerLayerClipper);
    assertEquals(5.0, perLayer.clipper().l2Sensitivity(), 1e-12);
    DpSgdConfig adaptive =
        DpSgdConfig.builder()
            .adaptiveClipping(adaptive(10.0))
            .noiseMultiplier(1.0)
            .targetDelta(1e-5)
            .datasetSize(1000)
            .expectedBatchSize(100)
            .plannedSteps(10)
            .accountant(ZcdpTestAccountant::new)
            .build();
    // z_grad = (1 - 1/400)^(-1/2): a little more gradient noise pays for the count.
    assertEquals(1 / Math.sqrt(1 - 1.0 / 400), adaptive.gradientNoiseMultiplier(), 1e-12);
    assertTrue(adaptive.gradientNoiseMultiplier() > adaptive.noiseMultiplier());
    assertEquals(new PoissonSampledEvent(0.1, new GaussianEvent(1.0)), adaptive.stepEvent());
    String m =
        message(
            () ->
                DpSgdConfig.builder()
                    .adaptiveClipping(adaptive(0.5))
                    .noiseMultiplier(1.0)
                    .targetDelta(1e-5)
                    .datasetSize(1000)
                    .expectedBatchSize(100)
                    .plannedSteps(10)
                    .accountant(ZcdpTestAccountant::new)
                    .build());
    assertTrue(m.startsWith("noiseMultiplier must be below 2 * countNoiseStd = 1.0"), m);
    assertTrue(
        message(() -> valid().perLayerClipNorms(1, 2).build())
            .startsWith("clipping must be exactly one of"));
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, -1.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void nonFiniteOrNegativeSettingsAreRejectedByName(double bad) {
    assertEquals(
        "clipNorm must be positive and finite, got " + bad,
        message(() -> DpSgdConfig.builder().clipNorm(bad)));
    assertEquals(
        "noiseMultiplier must be non-negative and finite, got " + bad,
        message(() -> DpSgdConfig.builder().noiseMultiplier(bad)));
    assertEquals(
        "samplingRate must be in (0, 1], got " + bad,
        message(() -> DpSgdConfig.builder().samplingRate(bad)));
    assertEquals(
        "targetDelta must be in (0, 1), got " + bad,
        message(() -> DpSgdConfig.builder().targetDelta(bad)));
    assertEquals(
        "expectedBatchSize must be positive and finite, got " + bad,
        message(() -> DpSgdConfig.builder().expectedBatchSize(bad)));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 1.5, -0.0})
  void ratesOutsideZeroOneAreRejected(double bad) {
    assertEquals(
        "samplingRate must be in (0, 1], got " + bad,
        message(() -> DpSgdConfig.builder().samplingRate(bad)));
  }

  @Test
  void zeroBatchSizesAreRejected() {
    assertEquals(
        "expectedBatchSize must be positive and finite, got 0.0",
        message(() -> DpSgdConfig.builder().expectedBatchSize(0)));
    assertEquals(
        "fixedBatchSize must be positive, got 0",
        message(() -> DpSgdConfig.builder().fixedBatchSize(0)));
  }

  @Test
  void inconsistentOrMissingSettingsAreRejected() {
    assertEquals(
        "expectedBatchSize must be in (0, datasetSize = 60000], got 60001.0",
        message(() -> valid().expectedBatchSize(60_001).build()));
    assertTrue(
        message(() -> valid().samplingRate(0.1).build())
            .startsWith("samplingRate must be set, or expectedBatchSize set, but not both"));
    assertTrue(
        message(() -> valid().target(PrivacyBudget.approximate(1, 1e-5)).build())
            .startsWith("noiseMultiplier must be set, or target set, but not both"));
    assertEquals(
        "plannedSteps must be positive, got 0",
        message(() -> DpSgdConfig.builder().plannedSteps(0)));
    assertEquals(
        "datasetSize must be positive, got 0", message(() -> DpSgdConfig.builder().datasetSize(0)));
    assertTrue(
        message(
                () ->
                    DpSgdConfig.builder()
                        .noiseMultiplier(1)
                        .targetDelta(1e-5)
                        .datasetSize(10)
                        .samplingRate(0.1)
                        .plannedSteps(1)
                        .accountant(ZcdpTestAccountant::new)
                        .build())
            .startsWith("clipNorm must be set"));
    assertTrue(
        message(
                () ->
                    valid()
                        .relation(NeighbouringRelation.REPLACE_ONE)
                        .accountant(relation -> new ZcdpTestAccountant())
                        .build())
            .startsWith(
                "accountant relation must be equal to the configured relation REPLACE_ONE"));
    assertTrue(
        message(
                () ->
                    valid()
                        .accountant(org.dp4j.core.accounting.BasicCompositionAccountant::new)
                        .build())
            .startsWith("accountant must be able to account for DP-SGD steps"));
    // Without an accountant the default, PLD, accounts the run.
    assertEquals(
        java.util.Optional.of(AccountantKind.PLD),
        DpSgdConfig.builder()
            .clipNorm(1)
            .noiseMultiplier(1)
            .targetDelta(1e-5)
            .datasetSize(10)
            .samplingRate(0.1)
            .plannedSteps(1)
            .build()
            .accountantKind());
    assertTrue(
        message(
                () ->
                    DpSgdConfig.builder()
                        .clipNorm(1.0)
                        .target(PrivacyBudget.pure(1.0))
                        .datasetSize(100)
                        .samplingRate(0.1)
                        .plannedSteps(10)
                        .accountant(ZcdpTestAccountant::new)
                        .build())
            .startsWith("target.delta must be in (0, 1)"));
  }
}

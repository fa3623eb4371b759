package org.dp4j.training.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.testing.TestGradients;
import org.junit.jupiter.api.Test;

/** From scores to the result: the union bound over the plan, the claim, the f-DP finding. */
class OneRunAuditTest {

  /** A claim of about epsilon 0.5 at delta 1e-5: 100 steps at q = 0.01, noise multiplier 2. */
  private static ClaimedPrivacy claim() {
    DpSgdConfig config =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .noiseMultiplier(2.0)
            .targetDelta(1e-5)
            .datasetSize(10_000)
            .expectedBatchSize(100)
            .plannedSteps(100)
            .build();
    return ClaimedPrivacy.of(config, 100);
  }

  @Test
  void theClaimIsTheRunsStatement() {
    ClaimedPrivacy claim = claim();
    assertEquals(claim.config().privacyStatement(100, true).epsilon(), claim.epsilon(), 1e-12);
    assertEquals(1e-5, claim.delta());
    assertEquals(2.0, claim.noiseMultiplier());
    assertTrue(claim.epsilon() > 0.1 && claim.epsilon() < 1, "epsilon " + claim.epsilon());
  }

  @Test
  void moreNoiseGivesAStricterCurve() {
    ClaimedPrivacy claim = claim();
    TradeOffFunction weaker = claim.curveAtNoiseMultiplier(1.0).orElseThrow();
    TradeOffFunction claimed = claim.curve();
    TradeOffFunction stricter = claim.curveAtNoiseMultiplier(4.0).orElseThrow();
    for (double alpha = 0; alpha <= 1; alpha += 0.01) {
      assertTrue(weaker.typeTwoError(alpha) <= claimed.typeTwoError(alpha) + 1e-12);
      assertTrue(claimed.typeTwoError(alpha) <= stricter.typeTwoError(alpha) + 1e-12);
    }
  }

  /**
   * Scores that reveal inclusion perfectly (included canaries score 1 plus a little noise, excluded
   * 0): all 200 guesses of the largest rule are right, so the bound is near the cap of 200 guesses
   * at significance 0.05 / 3, far above a claim of 0.5, and the claimed curve is rejected.
   */
  @Test
  void aRevealingRunIsCaught() {
    AuditResult result = evaluate(1.0, 1);
    assertEquals(new GuessCounts(1000, 200, 200), result.counts());
    assertEquals(
        OneRunEpsilonBound.lowerBound(new GuessCounts(1000, 200, 200), 1e-5, 0.05 / 3),
        result.epsilonLowerBound());
    assertTrue(result.exceedsClaim());
    assertTrue(result.ratioToClaim() > 5, "ratio " + result.ratioToClaim());
    FdpFinding fdp = result.fdp().orElseThrow();
    assertTrue(fdp.rejectsClaimedCurve());
    assertTrue(fdp.noiseMultiplierBound() <= claim().noiseMultiplier());
    assertTrue(fdp.epsilonWithinDpSgd() >= claim().epsilon());
    assertTrue(result.summary().contains("EXCEEDS the claim"), result.summary());
    assertTrue(result.summary().contains("claimed trade-off curve REJECTED"), result.summary());
  }

  /** Scores independent of inclusion prove nothing (the bound is 0 unless the coin is lucky). */
  @Test
  void scoresThatIgnoreInclusionProveNothing() {
    AuditResult result = evaluate(0.0, 2);
    assertFalse(result.exceedsClaim());
    assertTrue(
        result.epsilonLowerBound() < claim().epsilon(), "bound " + result.epsilonLowerBound());
    FdpFinding fdp = result.fdp().orElseThrow();
    assertFalse(fdp.rejectsClaimedCurve());
    assertTrue(fdp.noiseMultiplierBound() > claim().noiseMultiplier());
    assertTrue(result.summary().contains("no violation found"), result.summary());
  }

  private static AuditResult evaluate(double signal, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int m = 1000;
    double[] scores = new double[m];
    boolean[] included = new boolean[m];
    for (int i = 0; i < m; i++) {
      included[i] = random.nextBoolean();
      scores[i] = (included[i] ? signal : 0) + 0.01 * TestGradients.gaussian(random);
    }
    return OneRunAudit.evaluate(
        CanaryKind.GRADIENT,
        new CanaryScores(scores, included),
        claim(),
        GuessPlan.defaultFor(m),
        0.95,
        true,
        OptionalDouble.empty());
  }
}

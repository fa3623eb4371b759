package org.dp4j.training.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.dp4j.training.testing.TestGradients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The f-DP analysis of one-run auditing (Mahloujifar, Melis &amp; Chaudhuri 2025): the recursion
 * worked by hand, its monotonicity, and its validity and power on exactly mu-GDP canaries.
 */
class OneRunFdpTestTest {

  /** Perfect privacy, f(alpha) = 1 - alpha: (epsilon, delta) = (0, 0). */
  private static final TradeOffFunction PERFECT = TradeOffFunction.epsilonDelta(0, 0);

  @Test
  void twoGuessesUnderPerfectPrivacyAreRejectedExactlyAboveTheirProbability() {
    // m = r = c = 2 under perfect privacy: both guesses right with probability 1/4 exactly.
    // tau = 0.26: r_2 = 0.26, h_2 = 0; i = 1: h_1 = g^-1(0.26) = 0.26, r_1 = 0.26 + 1 * 0.26
    // = 0.52; i = 0: h_0 = g^-1(0.52) = 0.52, r_0 = 0.52. r_0 + h_0 = 1.04 > r / m = 1: rejected,
    // and indeed P[W >= 2] = 0.25 < 0.26. At tau = 0.24 the same steps give 0.96: not rejected,
    // as it must not be (0.25 >= 0.24).
    GuessCounts both = new GuessCounts(2, 2, 2);
    assertTrue(OneRunFdpTest.rejects(both, PERFECT, 0.26));
    assertFalse(OneRunFdpTest.rejects(both, PERFECT, 0.24));
    // At tau = 0.25 the recursion ends at exactly 1: the bound is tight, and not a rejection.
    assertFalse(OneRunFdpTest.rejects(both, PERFECT, 0.25));
  }

  @Test
  void noCorrectGuessRejectsNothing() {
    assertFalse(
        OneRunFdpTest.rejects(new GuessCounts(100, 10, 0), TradeOffFunction.gaussian(0), 0.5));
  }

  @Test
  void rejectionIsMonotoneInTheHypothesisAndTheCounts() {
    GuessCounts counts = new GuessCounts(1000, 200, 170);
    boolean previous = true;
    for (double mu = 0; mu <= 4; mu += 0.05) {
      boolean rejected = OneRunFdpTest.rejects(counts, TradeOffFunction.gaussian(mu), 0.05);
      assertTrue(previous || !rejected, "rejected at mu " + mu + " but not below");
      previous = rejected;
    }
    assertFalse(previous, "a very weak hypothesis (mu = 4) is not rejected");
    for (int c = 100; c < 200; c++) {
      if (OneRunFdpTest.rejects(
          new GuessCounts(1000, 200, c), TradeOffFunction.gaussian(1), 0.05)) {
        assertTrue(
            OneRunFdpTest.rejects(
                new GuessCounts(1000, 200, c + 1), TradeOffFunction.gaussian(1), 0.05),
            "more correct guesses reject too, at " + (c + 1));
      }
    }
  }

  @Test
  void theGaussianHypothesisIsRejectedWhereTheEpsilonDeltaOneIsNot() {
    // mu-GDP with mu = 1 is (eps, 1e-5)-DP for eps about 4.4 (Dong, Roth & Su, Cor. 2.13), but
    // not conversely: its curve is stricter than that one (eps, delta) pair, so 195 correct of
    // 200 refute it while the pair, which allows a precision of e^4.4 / (1 + e^4.4) = 0.988,
    // stands.
    GuessCounts counts = new GuessCounts(1000, 200, 195);
    assertTrue(OneRunFdpTest.rejects(counts, TradeOffFunction.gaussian(1), 0.05));
    assertFalse(OneRunFdpTest.rejects(counts, TradeOffFunction.epsilonDelta(4.4, 1e-5), 0.05));
  }

  /**
   * Validity and power on canaries that are exactly mu-GDP: canary {@code i}'s score is {@code mu
   * s_i + N(0, 1)} with {@code s_i} its inclusion bit (the Gaussian mechanism with noise multiplier
   * {@code 1 / mu}), and the auditor guesses the 50 highest "in" and the 50 lowest "out" of 1,000.
   * Testing mu-GDP at significance 0.05, at most 5% of 2,000 trials reject by the theorem (binomial
   * sd 9.7; the limit 142 is 4.3 sd above 100: falsely fails with probability below 1e-5); testing
   * (mu / 2)-GDP against canaries at mu rejects in most trials (over 1,000 of 2,000).
   */
  @Test
  void rejectsATrueHypothesisAtMostAsOftenAsTheSignificanceAllows() {
    double mu = 1.0;
    assertTrue(rejections(mu, mu, 2000, 201) <= 142, "valid");
    assertTrue(rejections(mu, mu / 2, 2000, 202) >= 1000, "power");
  }

  private static int rejections(double actual, double hypothesis, int trials, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    TradeOffFunction f = TradeOffFunction.gaussian(hypothesis);
    int m = 1000;
    int count = 0;
    double[] scores = new double[m];
    boolean[] included = new boolean[m];
    for (int t = 0; t < trials; t++) {
      for (int i = 0; i < m; i++) {
        included[i] = random.nextBoolean();
        scores[i] = (included[i] ? actual : 0) + TestGradients.gaussian(random);
      }
      GuessCounts counts = new CanaryScores(scores, included).guess(new GuessRule(50, 50));
      if (OneRunFdpTest.rejects(counts, f, 0.05)) {
        count++;
      }
    }
    return count;
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, 0, 1, Double.NEGATIVE_INFINITY})
  void aBadSignificanceIsRefused(double significance) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OneRunFdpTest.rejects(new GuessCounts(10, 5, 5), PERFECT, significance));
    assertEquals("significance must be in (0, 1), got " + significance, e.getMessage());
  }
}

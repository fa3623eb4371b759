package org.dp4j.training.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Guess rules, plans and the counts of a rule on scores. */
class GuessingTest {

  @Test
  void topScoresAreGuessedInAndBottomScoresOut() {
    double[] scores = {0.9, -1.0, 0.3, 2.0, -0.2, 0.0};
    boolean[] included = {true, false, false, true, true, false};
    CanaryScores s = new CanaryScores(scores, included);
    // Top 2: 2.0 (in, right), 0.9 (in, right). Bottom 2: -1.0 (out, right), -0.2 (in, wrong).
    assertEquals(new GuessCounts(6, 4, 3), s.guess(new GuessRule(2, 2)));
    // Top 3 adds 0.3 (out, wrong).
    assertEquals(new GuessCounts(6, 3, 2), s.guess(new GuessRule(3, 0)));
    assertEquals(new GuessCounts(6, 1, 1), s.guess(new GuessRule(0, 1)));
    assertEquals(3, s.includedCount());
    assertEquals(6, s.canaries());
  }

  @Test
  void equalScoresAreOrderedByIndexNotByInclusion() {
    // All scores equal: the order is the index order, so the top two are canaries 2 and 3.
    CanaryScores s = new CanaryScores(new double[4], new boolean[] {true, true, false, false});
    assertEquals(new GuessCounts(4, 2, 0), s.guess(new GuessRule(2, 0)));
    assertEquals(new GuessCounts(4, 2, 0), s.guess(new GuessRule(0, 2)));
  }

  @Test
  void scoresAreCopiedAndChecked() {
    double[] scores = {1, 2};
    CanaryScores s = new CanaryScores(scores, new boolean[] {true, false});
    scores[0] = 100;
    assertEquals(1, s.scores()[0]);
    assertEquals(
        "scores[1] must be finite, got NaN",
        assertThrows(
                IllegalArgumentException.class,
                () -> new CanaryScores(new double[] {0, Double.NaN}, new boolean[2]))
            .getMessage());
    assertEquals(
        "included.length must be equal to scores.length 2, got 3",
        assertThrows(
                IllegalArgumentException.class,
                () -> new CanaryScores(new double[2], new boolean[3]))
            .getMessage());
    assertEquals(
        "scores.length must be >= 2, got 1",
        assertThrows(
                IllegalArgumentException.class,
                () -> new CanaryScores(new double[1], new boolean[1]))
            .getMessage());
    assertEquals(
        "rule.guesses() must be at most the number of canaries 2, got GuessRule[top=2, bottom=1]",
        assertThrows(IllegalArgumentException.class, () -> s.guess(new GuessRule(2, 1)))
            .getMessage());
  }

  @Test
  void theDefaultPlanGuessesFiveTenAndTwentyPercent() {
    GuessPlan plan = GuessPlan.defaultFor(1000);
    assertEquals(
        List.of(new GuessRule(25, 25), new GuessRule(50, 50), new GuessRule(100, 100)),
        plan.rules());
    assertEquals(0.05 / 3, plan.significancePerRule(0.95), 1e-15);
    assertEquals(200, plan.largestGuessCount());
    // Tiny counts collapse to one rule with one guess on each side.
    assertEquals(List.of(new GuessRule(1, 1)), GuessPlan.defaultFor(2).rules());
    assertEquals(1.0 - 0.99, GuessPlan.of(new GuessRule(3, 0)).significancePerRule(0.99), 1e-15);
  }

  @Test
  void badRulesAndPlansAreRefused() {
    assertEquals(
        "top + bottom must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> new GuessRule(0, 0)).getMessage());
    assertEquals(
        "top must be non-negative, got -1",
        assertThrows(IllegalArgumentException.class, () -> new GuessRule(-1, 3)).getMessage());
    assertEquals(
        "rules must be not empty, got an empty list",
        assertThrows(IllegalArgumentException.class, () -> new GuessPlan(List.of())).getMessage());
    assertEquals(
        "canaries must be >= 2, got 1",
        assertThrows(IllegalArgumentException.class, () -> GuessPlan.defaultFor(1)).getMessage());
    assertEquals(
        "confidence must be in (0, 1), got 1.0",
        assertThrows(
                IllegalArgumentException.class,
                () -> GuessPlan.defaultFor(10).significancePerRule(1))
            .getMessage());
  }
}

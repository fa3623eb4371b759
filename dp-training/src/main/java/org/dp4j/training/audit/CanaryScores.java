package org.dp4j.training.audit;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.dp4j.core.internal.Checks;

/**
 * The audit's observations: one score per canary, higher meaning "more likely included", with the
 * truth (which canaries the run included). Scores are compared as doubles; equal scores are ordered
 * by canary index, which does not depend on the inclusion bits.
 */
public final class CanaryScores {

  private final double[] scores;
  private final boolean[] included;
  private final int[] ascending;

  /**
   * @param scores one finite score per canary, at least 2
   * @param included whether each canary was included in the run; same length
   * @throws IllegalArgumentException for mismatched lengths or a non-finite score
   */
  public CanaryScores(double[] scores, boolean[] included) {
    Checks.notNull("scores", scores);
    Checks.notNull("included", included);
    Checks.require(scores.length >= 2, "scores.length", ">= 2", scores.length);
    Checks.require(
        included.length == scores.length,
        "included.length",
        "equal to scores.length " + scores.length,
        included.length);
    for (int i = 0; i < scores.length; i++) {
      Checks.finite("scores[" + i + "]", scores[i]);
    }
    this.scores = scores.clone();
    this.included = included.clone();
    double[] s = this.scores;
    this.ascending =
        IntStream.range(0, s.length)
            .boxed()
            .sorted(Comparator.<Integer>comparingDouble(i -> s[i]).thenComparingInt(i -> i))
            .mapToInt(Integer::intValue)
            .toArray();
  }

  /** {@return the number of canaries {@code m}} */
  public int canaries() {
    return scores.length;
  }

  /** {@return how many canaries the run included} */
  public int includedCount() {
    int count = 0;
    for (boolean in : included) {
      count += in ? 1 : 0;
    }
    return count;
  }

  /** {@return a copy of the scores} */
  public double[] scores() {
    return scores.clone();
  }

  /** {@return a copy of the inclusion bits} */
  public boolean[] included() {
    return included.clone();
  }

  /**
   * The counts of {@code rule}: the {@code top} highest scores guessed included, the {@code bottom}
   * lowest guessed excluded.
   *
   * @param rule the rule; {@code top + bottom} at most the number of canaries
   * @return the counts
   * @throws IllegalArgumentException when the rule makes more guesses than there are canaries
   */
  public GuessCounts guess(GuessRule rule) {
    Checks.notNull("rule", rule);
    int m = scores.length;
    Checks.require(
        rule.guesses() <= m, "rule.guesses()", "at most the number of canaries " + m, rule);
    int correct = 0;
    for (int k = 0; k < rule.bottom(); k++) {
      correct += included[ascending[k]] ? 0 : 1;
    }
    for (int k = m - rule.top(); k < m; k++) {
      correct += included[ascending[k]] ? 1 : 0;
    }
    return new GuessCounts(m, rule.guesses(), correct);
  }

  @Override
  public String toString() {
    return "CanaryScores[canaries="
        + scores.length
        + ", included="
        + includedCount()
        + ", first scores="
        + Arrays.toString(Arrays.copyOf(scores, Math.min(4, scores.length)))
        + "]";
  }
}

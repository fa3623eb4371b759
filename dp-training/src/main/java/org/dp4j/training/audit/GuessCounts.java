package org.dp4j.training.audit;

import org.dp4j.core.internal.Checks;

/**
 * What a one-run audit's guesses achieved: of {@code canaries} canaries, each included in the
 * training run independently with probability 1/2, the auditor guessed the inclusion of {@code
 * guesses} (abstaining on the rest) and {@code correct} of those guesses were right.
 *
 * @param canaries the number of canaries {@code m}, positive
 * @param guesses the number of guesses {@code r}, in {@code [0, m]}; it must be fixed before the
 *     scores are seen (or paid for with a union bound, see {@link GuessPlan})
 * @param correct the number of correct guesses {@code v}, in {@code [0, r]}
 */
public record GuessCounts(int canaries, int guesses, int correct) {

  /**
   * Checks the counts.
   *
   * @param canaries positive
   * @param guesses in {@code [0, canaries]}
   * @param correct in {@code [0, guesses]}
   */
  public GuessCounts {
    Checks.positive("canaries", canaries);
    Checks.require(
        guesses >= 0 && guesses <= canaries, "guesses", "in [0, " + canaries + "]", guesses);
    Checks.require(
        correct >= 0 && correct <= guesses, "correct", "in [0, " + guesses + "]", correct);
  }

  /** {@return the fraction of guesses that were correct; NaN when there were no guesses} */
  public double precision() {
    return guesses == 0 ? Double.NaN : (double) correct / guesses;
  }
}

package org.dp4j.training.audit;

import org.dp4j.core.internal.Checks;

/**
 * How many guesses an audit makes, fixed before the scores are seen: the canaries with the {@code
 * top} highest scores are guessed included, those with the {@code bottom} lowest scores excluded,
 * and the rest are abstentions (Steinke, Nasr &amp; Jagielski 2023, the {@code k+} and {@code k-}
 * of their auditing procedure).
 *
 * @param top guesses "included", {@code >= 0}
 * @param bottom guesses "excluded", {@code >= 0}; {@code top + bottom >= 1}
 */
public record GuessRule(int top, int bottom) {

  /**
   * Checks the counts.
   *
   * @param top {@code >= 0}
   * @param bottom {@code >= 0}, with {@code top + bottom >= 1}
   */
  public GuessRule {
    Checks.nonNegative("top", top);
    Checks.nonNegative("bottom", bottom);
    Checks.require(top + bottom >= 1, "top + bottom", ">= 1", (long) top + bottom);
  }

  /** {@return the number of guesses, {@code top + bottom}} */
  public int guesses() {
    return top + bottom;
  }
}

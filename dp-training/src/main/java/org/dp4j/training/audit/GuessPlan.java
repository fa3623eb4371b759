package org.dp4j.training.audit;

import java.util.ArrayList;
import java.util.List;
import org.dp4j.core.internal.Checks;

/**
 * The guess rules an audit may choose among, fixed before the scores are seen. The audit evaluates
 * every rule at significance {@code (1 - confidence) / rules().size()} and reports the best: by the
 * union bound (Bonferroni) the reported bound holds at the stated confidence although the best rule
 * was chosen after looking. A plan of one rule pays nothing.
 *
 * @param rules the candidate rules, not empty, in the order they are reported
 */
public record GuessPlan(List<GuessRule> rules) {

  /**
   * Checks and copies the rules.
   *
   * @param rules not empty
   */
  public GuessPlan {
    Checks.noNulls("rules", rules);
    Checks.require(!rules.isEmpty(), "rules", "not empty", "an empty list");
    rules = List.copyOf(rules);
  }

  /**
   * {@return a plan of one rule}
   *
   * @param rule not null
   */
  public static GuessPlan of(GuessRule rule) {
    return new GuessPlan(List.of(Checks.notNull("rule", rule)));
  }

  /**
   * The default plan for {@code canaries} canaries: symmetric rules guessing 5%, 10% and 20% of the
   * canaries (half "included", half "excluded"), each at least one guess on each side. For gradient
   * canaries on the digits MLP, these cover the best rule from a weak signal (a correct run: many
   * guesses) to a strong one (a broken run: few guesses suffice).
   *
   * @param canaries the number of canaries, {@code >= 2}
   * @return the plan
   */
  public static GuessPlan defaultFor(int canaries) {
    Checks.require(canaries >= 2, "canaries", ">= 2", canaries);
    List<GuessRule> rules = new ArrayList<>();
    for (double fraction : new double[] {0.05, 0.10, 0.20}) {
      int side = Math.max(1, (int) Math.round(canaries * fraction / 2));
      GuessRule rule = new GuessRule(side, side);
      if (!rules.contains(rule)) {
        rules.add(rule);
      }
    }
    return new GuessPlan(rules);
  }

  /**
   * The significance each rule is evaluated at.
   *
   * @param confidence the stated confidence, in {@code (0, 1)}
   * @return {@code (1 - confidence) / rules().size()}
   */
  public double significancePerRule(double confidence) {
    Checks.require(confidence > 0 && confidence < 1, "confidence", "in (0, 1)", confidence);
    return (1 - confidence) / rules.size();
  }

  /** {@return the most guesses any rule makes} */
  public int largestGuessCount() {
    return rules.stream().mapToInt(GuessRule::guesses).max().orElseThrow();
  }
}

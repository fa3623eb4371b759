package org.dp4j.training.audit;

import org.dp4j.core.internal.Checks;

/**
 * The f-DP analysis of one-run auditing (S. Mahloujifar, L. Melis, K. Chaudhuri, "Auditing
 * f-Differential Privacy in One Run", ICML 2025, arXiv:2410.22235): the recursive bound of their
 * guessing game with abstentions, for membership (two options per canary), which tests a whole
 * trade-off curve instead of one (epsilon, delta) pair.
 *
 * <p><b>Statement.</b> {@code m} canaries are each included independently with probability 1/2; the
 * mechanism is f-DP (symmetric {@code f}) with respect to adding or removing any one canary,
 * whatever the others do; the auditor makes exactly {@code r} guesses, {@code W} of them correct.
 * Put {@code g(h) = 1 - f(h)}, {@code r_c = tau c / m}, {@code h_c = tau (r - c) / m} and, for
 * {@code i = c - 1, ..., 0},
 *
 * <pre>
 *   h_i = max(h_{i+1}, g^-1(r_{i+1})),   r_i = r_{i+1} + i / (r - i) (h_i - h_{i+1}).
 * </pre>
 *
 * If {@code P[W >= c] >= tau} then {@code r_0 + h_0 <= r / m}. So when {@code r_0 + h_0 > r / m}
 * the observed {@code c} correct guesses have probability below {@code tau} under every f-DP
 * mechanism, and the hypothesis is rejected at significance {@code tau}.
 *
 * <p><b>Why.</b> With {@code R_i = E[W 1{W >= i}] / m} and {@code H_i = E[(r - W) 1{W >= i}] / m},
 * a guess on canary {@code j} that counts only when the other guesses have at least {@code i - 1}
 * right is a test between "{@code j} in" and "{@code j} out" (the others fixed), so f-DP and the
 * concavity of {@code g} give {@code R_i <= g(H_{i-1})}; also {@code R_i - R_{i+1} = i / (r - i)
 * (H_i - H_{i+1})} and {@code R_0 + H_0 = r / m}. By induction from {@code i = c} down, {@code R_i
 * >= r_i}, {@code R_i - r_i >= i / (r - i) (H_i - h_i)} and {@code R_i + H_i >= r_i + h_i}, which
 * at {@code i = 0} is the statement.
 *
 * <p><b>Rounding.</b> {@link TradeOffFunction#blowUpInverse} rounds down, and the final comparison
 * needs {@code r_0 + h_0} to exceed {@code r / m} by a relative {@code 1e-9}: a rejection is never
 * due to rounding.
 */
public final class OneRunFdpTest {

  /** Relative margin by which {@code r_0 + h_0} must exceed {@code r / m} to reject. */
  private static final double MARGIN = 1e-9;

  private OneRunFdpTest() {}

  /**
   * Whether the counts reject the hypothesis that the mechanism is {@code f}-DP for each canary.
   *
   * @param counts the canaries, guesses (exactly this many, fixed before the scores were seen) and
   *     correct guesses
   * @param f the hypothesised symmetric trade-off function
   * @param significance {@code tau}, in {@code (0, 1)}: the probability of a rejection when the
   *     hypothesis holds is below it
   * @return true when the hypothesis is rejected
   * @throws IllegalArgumentException for a bad significance
   */
  public static boolean rejects(GuessCounts counts, TradeOffFunction f, double significance) {
    Checks.notNull("counts", counts);
    Checks.notNull("f", f);
    Checks.require(significance > 0 && significance < 1, "significance", "in (0, 1)", significance);
    int m = counts.canaries();
    int guesses = counts.guesses();
    int c = counts.correct();
    if (c == 0) {
      return false; // P[W >= 0] = 1
    }
    double r = significance * c / m;
    double h = significance * (guesses - c) / m;
    for (int i = c - 1; i >= 0; i--) {
      if (r > 1) {
        return true; // R_i >= r_i > 1 cannot hold: the premise P[W >= c] >= tau is impossible
      }
      double next = Math.max(h, f.blowUpInverse(r));
      if (next == h) {
        break; // h and r stay as they are from here on
      }
      r += (double) i / (guesses - i) * (next - h);
      h = next;
    }
    return r + h > (double) guesses / m * (1 + MARGIN);
  }
}

package org.dp4j.training.audit;

import org.dp4j.core.internal.Checks;

/**
 * The (epsilon, delta) lower bound of one-run auditing (T. Steinke, M. Nasr, M. Jagielski, "Privacy
 * Auditing with One (1) Training Run", NeurIPS 2023, arXiv:2305.08846): main theorem, case of
 * (epsilon, delta)-DP, with the tail computed exactly as in the paper's p-value routine.
 *
 * <p><b>Setting.</b> {@code m} canaries are each included independently with probability 1/2; the
 * mechanism is (epsilon, delta)-DP with respect to adding or removing any one canary (whatever the
 * others do); after seeing its output the auditor makes at most {@code r} guesses of inclusion,
 * {@code W} of them correct. Then for every integer {@code v}
 *
 * <pre>
 *   P[W &gt;= v] &lt;= f(v) + 2 m delta max_{1 &lt;= i &lt;= v} (f(v - i) - f(v)) / i,
 *   f(v) = P[Binomial(r, e^eps / (1 + e^eps)) &gt;= v].
 * </pre>
 *
 * With {@code delta = 0} the number of correct guesses is stochastically dominated by the binomial,
 * the accuracy of randomized response. {@link #pValue} is this right-hand side (an upper bound, see
 * {@link BinomialTail} for the rounding); {@link #lowerBound} is the largest epsilon whose p-value
 * is below the significance. The number of guesses must be fixed before the scores are seen,
 * otherwise the confidence is not valid; choosing among several fixed numbers is paid for with a
 * union bound ({@link GuessPlan}).
 */
public final class OneRunEpsilonBound {

  /** Bisection stops when the bracket is this narrow (absolute, in epsilon). */
  private static final double EPSILON_TOLERANCE = 1e-9;

  /** Beyond this epsilon the accuracy of randomized response is 1 within double precision. */
  private static final double LARGEST_EPSILON = 745;

  private OneRunEpsilonBound() {}

  /**
   * An upper bound on the probability of at least {@code counts.correct()} correct guesses under
   * the hypothesis that the mechanism is (epsilon, delta)-DP for each canary.
   *
   * @param counts the canaries, guesses and correct guesses
   * @param epsilon finite, {@code >= 0}
   * @param delta in {@code [0, 1)}
   * @return the p-value bound, in {@code [0, 1]}
   * @throws IllegalArgumentException for a bad epsilon or delta (NaN included)
   */
  public static double pValue(GuessCounts counts, double epsilon, double delta) {
    Checks.notNull("counts", counts);
    Checks.nonNegativeFinite("epsilon", epsilon);
    Checks.delta("delta", delta);
    BinomialTail tail = new BinomialTail(counts.guesses(), epsilon);
    int v = counts.correct();
    double p = tail.atLeast(v);
    if (delta > 0) {
      p += 2.0 * counts.canaries() * delta * tail.largestWindowAverage(v);
    }
    return Math.min(1.0, p);
  }

  /**
   * The largest epsilon that the counts refute at the given significance: for every epsilon' at
   * most the returned value, no mechanism that is (epsilon', delta)-DP for each canary gives this
   * many correct guesses with probability above {@code significance}. 0 when even epsilon = 0 is
   * not refuted.
   *
   * @param counts the canaries, guesses and correct guesses
   * @param delta in {@code [0, 1)}: the delta of the claim being audited
   * @param significance one minus the confidence, in {@code (0, 1)}
   * @return the lower bound on epsilon, {@code >= 0}; a value where {@link #pValue} was verified to
   *     be below the significance (the low end of the final bracket)
   * @throws IllegalArgumentException for a bad delta or significance
   */
  public static double lowerBound(GuessCounts counts, double delta, double significance) {
    Checks.notNull("counts", counts);
    Checks.delta("delta", delta);
    Checks.require(significance > 0 && significance < 1, "significance", "in (0, 1)", significance);
    if (!(pValue(counts, 0, delta) < significance)) {
      return 0;
    }
    double low = 0;
    double high = 1;
    while (pValue(counts, high, delta) < significance) {
      low = high;
      high *= 2;
      if (high > LARGEST_EPSILON) {
        return low;
      }
    }
    while (high - low > EPSILON_TOLERANCE) {
      double middle = 0.5 * (low + high);
      if (pValue(counts, middle, delta) < significance) {
        low = middle;
      } else {
        high = middle;
      }
    }
    return low;
  }
}

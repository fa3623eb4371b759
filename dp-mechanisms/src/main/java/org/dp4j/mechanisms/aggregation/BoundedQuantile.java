package org.dp4j.mechanisms.aggregation;

import java.util.Arrays;
import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.random.AesCtrRandom;
import org.dp4j.mechanisms.selection.ExponentialMechanism;

/**
 * A private quantile by the exponential mechanism over a fixed grid of candidates (Smith 2011,
 * "Privacy-preserving statistical estimation with optimal convergence rates", restricted to a
 * grid): candidates {@code c_j = lower + j (upper - lower) / (m - 1)}, utility {@code -|#{x < c_j}
 * - q n|}, sensitivity 1 under both relations. The candidates depend only on the bounds, never on
 * the data, and the selection uses exact Bernoulli sampling. The result's resolution is the grid
 * step. Pure ε-DP; no confidence interval. Not thread-safe.
 *
 * <p><b>Cost.</b> With {@code d_j = #{x < c_j} - q n}, adding a record {@code x} moves {@code d_j}
 * by {@code 1 - q} for the candidates above {@code x} and by {@code -q} for the others; replacing
 * one (by a value or by NaN, which is ignored) moves each {@code d_j} by at most 1. So the
 * utilities {@code -|d_j|} have sensitivity 1 under both relations, and the exponential mechanism
 * at rate {@code ε / 2} is ε-DP under both (McSherry &amp; Talwar 2007, Thm. 6). That is the worst
 * case over the quantile {@code q}, which {@link #event()} cannot know: for add/remove the utility
 * changes span at most {@code 2 max(q, 1 - q)}, so a median costs at most ε/2 there, and the cost
 * tends to ε as {@code q} tends to 0 or 1. {@link #event()} is {@code
 * PerRelationEvent.sameForBoth(EpsilonDeltaEvent.pure(ε))}.
 */
public final class BoundedQuantile {

  /** Default number of grid candidates, 1025 (a step of 1/1024 of the bounds' width). */
  public static final int DEFAULT_CANDIDATES = 1025;

  private final Bounds bounds;
  private final double[] candidates;
  private final ExponentialMechanism selection;

  private BoundedQuantile(Bounds bounds, int candidateCount, ExponentialMechanism selection) {
    this.bounds = bounds;
    this.candidates = new double[candidateCount];
    for (int j = 0; j < candidateCount; j++) {
      candidates[j] = bounds.lower() + (bounds.upper() - bounds.lower()) * j / (candidateCount - 1);
    }
    candidates[candidateCount - 1] = bounds.upper();
    this.selection = selection;
  }

  /**
   * A quantile with {@link #DEFAULT_CANDIDATES} candidates on a new secure source.
   *
   * @param budget pure, positive epsilon
   * @param bounds the candidate range, {@code upper > lower}
   * @return the aggregation
   */
  public static BoundedQuantile of(PrivacyBudget budget, Bounds bounds) {
    return of(budget, bounds, DEFAULT_CANDIDATES, AesCtrRandom.fromOperatingSystem());
  }

  /**
   * As {@link #of(PrivacyBudget, Bounds)}, with {@code candidateCount} candidates and the given
   * source (private only if secure).
   *
   * @param budget pure, positive epsilon
   * @param bounds the candidate range, {@code upper > lower}
   * @param candidateCount at least 2
   * @param random the uniform source the selection is drawn from, not null
   * @return the aggregation
   */
  public static BoundedQuantile of(
      PrivacyBudget budget, Bounds bounds, int candidateCount, UniformRandomProvider random) {
    Checks.notNull("bounds", bounds);
    Checks.require(
        bounds.upper() > bounds.lower(),
        "bounds.upper",
        "> bounds.lower = " + bounds.lower(),
        bounds.upper());
    Checks.require(candidateCount >= 2, "candidateCount", "at least 2", candidateCount);
    return new BoundedQuantile(
        bounds, candidateCount, ExponentialMechanism.of(budget, 1.0, random));
  }

  /**
   * The private q-quantile of the clamped values.
   *
   * @param values the data (not changed); may be empty; NaN entries are ignored
   * @param quantile q in {@code [0, 1]}
   * @return one of the grid candidates
   */
  public double release(double[] values, double quantile) {
    Checks.notNull("values", values);
    Checks.probability("quantile", quantile);
    double[] sorted =
        Arrays.stream(values).filter(v -> !Double.isNaN(v)).map(bounds::clamp).sorted().toArray();
    double target = quantile * sorted.length;
    double[] utilities = new double[candidates.length];
    int below = 0;
    for (int j = 0; j < candidates.length; j++) {
      while (below < sorted.length && sorted[below] < candidates[j]) {
        below++;
      }
      utilities[j] = -Math.abs(below - target);
    }
    return candidates[selection.select(utilities)];
  }

  /**
   * Spends {@link #event()} from {@code filter}, then releases; arguments are checked first, so bad
   * input wastes no budget.
   *
   * @param values the data (not changed); may be empty; NaN entries are ignored
   * @param quantile q in {@code [0, 1]}
   * @param filter the budget to spend from, not null
   * @param label the spend's label in the filter's log, not null
   * @return one of the grid candidates
   * @throws PrivacyBudgetExceededException when the filter refuses; nothing is released or spent
   */
  public double release(double[] values, double quantile, PrivacyFilter filter, String label) {
    Checks.notNull("values", values);
    Checks.probability("quantile", quantile);
    Checks.notNull("filter", filter).spend(event(), label);
    return release(values, quantile);
  }

  /**
   * {@return the cost of one release under each relation, {@code
   * PerRelationEvent.sameForBoth(EpsilonDeltaEvent.pure(epsilon))}} See the class documentation.
   */
  public PerRelationEvent event() {
    return PerRelationEvent.sameForBoth(selection.event());
  }
}

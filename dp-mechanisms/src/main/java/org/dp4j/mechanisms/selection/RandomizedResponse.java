package org.dp4j.mechanisms.selection;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.random.AesCtrRandom;
import org.dp4j.mechanisms.sampling.ExactBernoulli;

/**
 * k-ary randomized response (Warner 1965; the k-ary form of Kairouz, Oh &amp; Viswanath 2016):
 * report the true category with probability {@code e^ε / (e^ε + k - 1)} and each other category
 * with probability {@code 1 / (e^ε + k - 1)}. It is ε-DP for one respondent (local model); with k =
 * 2 it is the worst-case ε-DP mechanism for composition.
 *
 * <p><b>Exact sampling.</b> Draw a uniform category; keep it if it is the true one, otherwise keep
 * it with probability exactly {@code exp(-ε)} (exact Bernoulli trial on the double epsilon) and
 * retry on rejection. The kept category has exactly the distribution above. Not thread-safe.
 *
 * <p><b>Cost.</b> One call releases one report about one respondent. Changing the respondent's
 * category changes the probability of any report by a factor at most {@code e^ε} (the true
 * category's {@code e^ε / (e^ε + k - 1)} against {@code 1 / (e^ε + k - 1)}), attained, so the cost
 * under {@code REPLACE_ONE} is exactly ε: the relation of the local model (Kasiviswanathan et al.
 * 2011, "What can we learn privately?"). Under {@code ADD_OR_REMOVE_ONE} a respondent who is absent
 * gives no report at all, so the report itself shows that its respondent took part: no finite
 * guarantee holds. {@link #event()} is therefore {@code PerRelationEvent.of(LaplaceEvent(0),
 * EpsilonDeltaEvent.pure(ε))}; {@code LaplaceEvent(0)} (no noise) is an infinite cost, which a
 * budget-limited add/remove filter refuses. Charge randomized response to a filter whose accountant
 * is built with {@code NeighbouringRelation.REPLACE_ONE}.
 */
public final class RandomizedResponse {

  private final double epsilon;
  private final int categories;
  private final UniformRandomProvider random;
  private final ExactBernoulli bernoulli;

  private RandomizedResponse(double epsilon, int categories, UniformRandomProvider random) {
    this.epsilon = epsilon;
    this.categories = categories;
    this.random = random;
    this.bernoulli = ExactBernoulli.of(random);
  }

  /**
   * Randomized response on a new secure source.
   *
   * @param budget pure ({@code delta == 0}), positive epsilon
   * @param categories number of categories, at least 2
   * @return the mechanism
   */
  public static RandomizedResponse of(PrivacyBudget budget, int categories) {
    return of(budget, categories, AesCtrRandom.fromOperatingSystem());
  }

  /**
   * As {@link #of(PrivacyBudget, int)}, drawing from {@code random} (private only if it is secure).
   *
   * @param budget pure ({@code delta == 0}), positive epsilon
   * @param categories number of categories, at least 2
   * @param random the uniform source the responses are drawn from, not null
   * @return the mechanism
   */
  public static RandomizedResponse of(
      PrivacyBudget budget, int categories, UniformRandomProvider random) {
    double epsilon = SelectionSupport.checkedEpsilon(budget);
    Checks.require(categories >= 2, "categories", "at least 2", categories);
    return new RandomizedResponse(epsilon, categories, Checks.notNull("random", random));
  }

  /**
   * One randomized report.
   *
   * @param trueCategory in {@code [0, categories)}
   * @return the reported category
   * @throws IllegalArgumentException when the category is out of range
   */
  public int respond(int trueCategory) {
    Checks.require(
        trueCategory >= 0 && trueCategory < categories,
        "trueCategory",
        "in [0, " + categories + ")",
        trueCategory);
    while (true) {
      int c = random.nextInt(categories);
      if (c == trueCategory || bernoulli.expMinus(epsilon)) {
        return c;
      }
    }
  }

  /**
   * Spends {@link #event()} from {@code filter}, then responds (the category is checked first).
   *
   * @param trueCategory in {@code [0, categories)}
   * @param filter the budget to spend from, not null
   * @param label the spend's label in the filter's log, not null
   * @return the reported category
   * @throws PrivacyBudgetExceededException when the filter refuses; nothing is released or spent
   */
  public int respond(int trueCategory, PrivacyFilter filter, String label) {
    Checks.require(
        trueCategory >= 0 && trueCategory < categories,
        "trueCategory",
        "in [0, " + categories + ")",
        trueCategory);
    Checks.notNull("filter", filter);
    filter.spend(event(), label);
    return respond(trueCategory);
  }

  /** {@return the probability of reporting the true category, {@code e^ε / (e^ε + k - 1)}} */
  public double truthProbability() {
    return 1.0 / (1.0 + (categories - 1) * Math.exp(-epsilon));
  }

  /**
   * Unbiased estimates of the true category frequencies from report counts: {@code (c_j / n - q) /
   * (p - q)} with {@code p} the truth probability and {@code q = (1 - p) / (k - 1)}.
   * Post-processing; estimates may fall outside [0, 1].
   *
   * @param reportCounts one non-negative count per category, total positive
   * @return estimated fractions, summing to 1
   */
  public double[] estimateFrequencies(long[] reportCounts) {
    Checks.notNull("reportCounts", reportCounts);
    Checks.require(
        reportCounts.length == categories,
        "reportCounts.length",
        "" + categories,
        reportCounts.length);
    long total = 0;
    for (int j = 0; j < categories; j++) {
      Checks.nonNegative("reportCounts[" + j + "]", reportCounts[j]);
      total = Math.addExact(total, reportCounts[j]);
    }
    Checks.positive("total report count", total);
    double p = truthProbability();
    double q = (1 - p) / (categories - 1);
    double[] estimates = new double[categories];
    for (int j = 0; j < categories; j++) {
      estimates[j] = ((double) reportCounts[j] / total - q) / (p - q);
    }
    return estimates;
  }

  /**
   * {@return {@code PerRelationEvent.of(LaplaceEvent(0), EpsilonDeltaEvent.pure(epsilon))}} Exactly
   * ε under {@code REPLACE_ONE}, no finite guarantee under {@code ADD_OR_REMOVE_ONE} (see the class
   * documentation).
   */
  public PerRelationEvent event() {
    return PerRelationEvent.of(new LaplaceEvent(0.0), EpsilonDeltaEvent.pure(epsilon));
  }

  @Override
  public String toString() {
    return "RandomizedResponse[epsilon=" + epsilon + ", categories=" + categories + "]";
  }
}

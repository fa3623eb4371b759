package org.dp4j.mechanisms.selection;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.random.AesCtrRandom;
import org.dp4j.mechanisms.sampling.ExactBernoulli;

/**
 * Permute-and-flip (McKenna &amp; Sheldon 2020, "Permute-and-Flip: A new mechanism for
 * differentially private selection"): visit the candidates in uniformly random order and stop at
 * the first {@code i} for which a coin with probability {@code exp(ε (u_i - u*) / (2 Δ))} lands
 * heads. It is ε-DP and never has larger expected error than the exponential mechanism.
 *
 * <p>The coins are exact Bernoulli trials; the permutation is a Fisher-Yates shuffle on unbiased
 * integers. The exponent uses epsilon reduced by a relative 2^-30, covering its rounding error. The
 * best candidate's coin always lands heads, so one pass suffices. Not thread-safe.
 *
 * <p><b>Neighbouring relation.</b> The utility sensitivity is the caller's statement under the
 * relation of the filter the selections are charged to, and {@link #event()}, {@code
 * EpsilonDeltaEvent.pure(ε)}, is read as stated under that relation. For utilities that count
 * records (the number of records supporting each candidate), adding or removing a record changes
 * every count by at most 1 and replacing one moves two counts by 1 each: sensitivity 1 under both.
 * {@link #epsilonFor(double)} gives the cost for another sensitivity, for a caller who knows the
 * sensitivity under each relation (and spends a {@code PerRelationEvent} built from it).
 */
public final class PermuteAndFlip {

  private final double epsilon;
  private final double utilitySensitivity;
  private final UniformRandomProvider random;
  private final ExactBernoulli bernoulli;

  private PermuteAndFlip(double epsilon, double utilitySensitivity, UniformRandomProvider random) {
    this.epsilon = epsilon;
    this.utilitySensitivity = utilitySensitivity;
    this.random = random;
    this.bernoulli = ExactBernoulli.of(random);
  }

  /**
   * Permute-and-flip on a new secure source.
   *
   * @param budget pure ({@code delta == 0}), positive epsilon
   * @param utilitySensitivity bound on the change of any one utility between neighbours, positive
   *     and finite
   * @return the mechanism
   */
  public static PermuteAndFlip of(PrivacyBudget budget, double utilitySensitivity) {
    return of(budget, utilitySensitivity, AesCtrRandom.fromOperatingSystem());
  }

  /**
   * As {@link #of(PrivacyBudget, double)}, drawing from {@code random} (private only if it is
   * secure).
   *
   * @param budget pure ({@code delta == 0}), positive epsilon
   * @param utilitySensitivity bound on the change of any one utility between neighbours, positive
   *     and finite
   * @param random the uniform source the selection is drawn from, not null
   * @return the mechanism
   */
  public static PermuteAndFlip of(
      PrivacyBudget budget, double utilitySensitivity, UniformRandomProvider random) {
    double epsilon = SelectionSupport.checkedEpsilon(budget);
    Checks.positiveFinite("utilitySensitivity", utilitySensitivity);
    return new PermuteAndFlip(epsilon, utilitySensitivity, Checks.notNull("random", random));
  }

  /**
   * Selects one candidate.
   *
   * @param utilities non-empty and finite (not changed)
   * @return the selected index
   * @throws IllegalArgumentException when utilities are empty or contain NaN or infinity
   */
  public int select(double[] utilities) {
    double max = SelectionSupport.checkedMaximum(utilities);
    double rate = epsilon * (1 - SelectionSupport.EPSILON_MARGIN) / (2 * utilitySensitivity);
    int n = utilities.length;
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = 0; i < n; i++) {
      int j = i + random.nextInt(n - i);
      int candidate = order[j];
      order[j] = order[i];
      order[i] = candidate;
      if (bernoulli.expMinus((max - utilities[candidate]) * rate)) {
        return candidate;
      }
    }
    throw new AssertionError("the best candidate always accepts");
  }

  /**
   * Spends {@link #event()} from {@code filter}, then selects; the utilities are checked first, so
   * bad input wastes no budget.
   *
   * @param utilities non-empty and finite
   * @param filter the budget filter, not null
   * @param label what is released, for the filter's ledger
   * @return the selected index
   * @throws PrivacyBudgetExceededException when the filter refuses; nothing is selected or spent
   */
  public int select(double[] utilities, PrivacyFilter filter, String label) {
    SelectionSupport.checkedMaximum(utilities);
    Checks.notNull("filter", filter);
    filter.spend(event(), label);
    return select(utilities);
  }

  /** {@return {@code EpsilonDeltaEvent.pure(epsilon)}, under the filter's relation} */
  public PrivacyEvent event() {
    return EpsilonDeltaEvent.pure(epsilon);
  }

  /**
   * The pure epsilon of one selection when the utilities' sensitivity is {@code utilitySensitivity}
   * (the coins stay the calibrated ones): {@code ε utilitySensitivity / Δ}, rounded up; exactly ε
   * at the calibrated sensitivity (McKenna &amp; Sheldon 2020, Thm. 1, at any sensitivity).
   *
   * @param utilitySensitivity finite and {@code >= 0}
   * @return epsilon {@code >= 0}
   * @throws IllegalArgumentException when the sensitivity is negative, infinite or NaN
   */
  public double epsilonFor(double utilitySensitivity) {
    return SelectionSupport.epsilonFor(epsilon, this.utilitySensitivity, utilitySensitivity);
  }

  @Override
  public String toString() {
    return "PermuteAndFlip[epsilon=" + epsilon + ", utilitySensitivity=" + utilitySensitivity + "]";
  }
}

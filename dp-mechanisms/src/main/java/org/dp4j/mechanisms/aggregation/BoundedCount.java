package org.dp4j.mechanisms.aggregation;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.NoiseMechanism;
import org.dp4j.mechanisms.random.AesCtrRandom;

/**
 * A noisy count of records, for example of the records with some property. Each {@link
 * #release(long, double)} costs {@link #event()}. Not thread-safe.
 *
 * <p><b>Cost.</b> Adding or removing one record changes the count by at most 1, and so does
 * replacing one (it may enter or leave the counted set), so the sensitivity is 1 under both
 * relations and {@link #event()} is {@code PerRelationEvent.sameForBoth(e)}, with {@code e} the
 * noise's event at sensitivity 1: {@code EpsilonDeltaEvent.pure(ε)} for Laplace, {@code
 * GaussianEvent(m)} for Gaussian (the calibrated multiplier on the grid, see {@link
 * org.dp4j.mechanisms.GaussianMechanism}). (The size of a whole dataset is public under {@code
 * REPLACE_ONE} and needs no noise at all; this class does not assume the count is of that kind.)
 */
public final class BoundedCount {

  private final NoiseMechanism mechanism;
  private final PerRelationEvent event;

  private BoundedCount(NoiseMechanism mechanism) {
    this.mechanism = mechanism;
    this.event = PerRelationEvent.sameForBoth(Aggregations.partEvent(mechanism, 1.0));
  }

  /**
   * A count with the given noise on a new secure source.
   *
   * @param budget pure for {@link NoiseKind#LAPLACE}, with positive delta for {@link
   *     NoiseKind#GAUSSIAN}; the cost of one release under either relation
   * @param noise the noise kind, not null
   * @return the aggregation
   */
  public static BoundedCount of(PrivacyBudget budget, NoiseKind noise) {
    return of(budget, noise, AesCtrRandom.fromOperatingSystem());
  }

  /**
   * As {@link #of(PrivacyBudget, NoiseKind)}, drawing from {@code random} (private only if secure).
   *
   * @param budget pure for {@link NoiseKind#LAPLACE}, with positive delta for {@link
   *     NoiseKind#GAUSSIAN}; the cost of one release under either relation
   * @param noise the noise kind, not null
   * @param random the uniform source the noise is drawn from, not null
   * @return the aggregation
   */
  public static BoundedCount of(
      PrivacyBudget budget, NoiseKind noise, UniformRandomProvider random) {
    Checks.notNull("budget", budget);
    Checks.notNull("noise", noise);
    Checks.notNull("random", random);
    return new BoundedCount(Aggregations.mechanism(budget, 1.0, noise, random));
  }

  /**
   * The noisy count and its confidence interval.
   *
   * @param count the true number of records, {@code >= 0}
   * @param confidenceLevel in {@code (0, 1)}
   * @return the release
   */
  public NoisyStatistic release(long count, double confidenceLevel) {
    Checks.nonNegative("count", count);
    Aggregations.checkLevel(confidenceLevel);
    double noisy = mechanism.addNoise(count);
    return new NoisyStatistic(noisy, mechanism.confidenceInterval(noisy, confidenceLevel));
  }

  /**
   * Spends {@link #event()} from {@code filter}, then releases; arguments are checked first, so bad
   * input wastes no budget.
   *
   * @param count the true number of records, {@code >= 0}
   * @param confidenceLevel in {@code (0, 1)}
   * @param filter the budget to spend from, not null
   * @param label the spend's label in the filter's log, not null
   * @return the release
   * @throws PrivacyBudgetExceededException when the filter refuses; nothing is released or spent
   */
  public NoisyStatistic release(
      long count, double confidenceLevel, PrivacyFilter filter, String label) {
    Checks.nonNegative("count", count);
    Aggregations.checkLevel(confidenceLevel);
    Checks.notNull("filter", filter).spend(event(), label);
    return release(count, confidenceLevel);
  }

  /** {@return the exact cost of one release under each relation} See the class documentation. */
  public PerRelationEvent event() {
    return event;
  }
}

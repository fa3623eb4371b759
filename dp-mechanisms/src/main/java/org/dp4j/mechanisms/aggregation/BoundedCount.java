package org.dp4j.mechanisms.aggregation;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.NoiseMechanism;
import org.dp4j.mechanisms.random.AesCtrRandom;

/**
 * A noisy count of records (sensitivity 1 under add/remove-one). Each {@link #release(long, double)}
 * costs {@link #event()}. Not thread-safe.
 */
public final class BoundedCount {

  private final NoiseMechanism mechanism;

  private BoundedCount(NoiseMechanism mechanism) {
    this.mechanism = mechanism;
  }

  /**
   * A count with the given noise on a new secure source.
   *
   * @param budget pure for {@link NoiseKind#LAPLACE}, with positive delta for {@link NoiseKind#GAUSSIAN}
   * @param noise the noise kind, not null
   * @return the aggregation
   */
  public static BoundedCount of(PrivacyBudget budget, NoiseKind noise) {
    return of(budget, noise, AesCtrRandom.fromOperatingSystem());
  }

  /** As {@link #of(PrivacyBudget, NoiseKind)}, drawing from {@code random} (private only if secure). */
  public static BoundedCount of(PrivacyBudget budget, NoiseKind noise, UniformRandomProvider random) {
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
   * @throws org.dp4j.core.budget.PrivacyBudgetExceededException when the filter refuses; nothing is
   *     released or spent
   */
  public NoisyStatistic release(long count, double confidenceLevel, org.dp4j.core.budget.PrivacyFilter filter, String label) {
    Checks.nonNegative("count", count);
    Aggregations.checkLevel(confidenceLevel);
    Checks.notNull("filter", filter).spend(event(), label);
    return release(count, confidenceLevel);
  }

  /** The privacy cost of one release. */
  public PrivacyEvent event() {
    return mechanism.event();
  }
}

package org.dp4j.mechanisms.aggregation;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.mechanisms.NoiseMechanism;
import org.dp4j.mechanisms.random.AesCtrRandom;

/**
 * A noisy sum of values clamped to {@link Bounds}: sensitivity {@code max(|lower|, |upper|)} under
 * add/remove-one. NaN values are ignored. Each release costs {@link #event()}. Not thread-safe.
 */
public final class BoundedSum {

  private final Bounds bounds;
  private final NoiseMechanism mechanism;

  private BoundedSum(Bounds bounds, NoiseMechanism mechanism) {
    this.bounds = bounds;
    this.mechanism = mechanism;
  }

  /**
   * A bounded sum on a new secure source.
   *
   * @param budget pure for Laplace, positive delta for Gaussian
   * @param bounds clamping bounds, chosen without looking at the data; not both zero
   * @param noise the noise kind
   * @return the aggregation
   * @throws IllegalArgumentException when the bounds are {@code [0, 0]} (nothing to sum)
   */
  public static BoundedSum of(PrivacyBudget budget, Bounds bounds, NoiseKind noise) {
    return of(budget, bounds, noise, AesCtrRandom.fromOperatingSystem());
  }

  /** As {@link #of(PrivacyBudget, Bounds, NoiseKind)}, drawing from {@code random} (private only if secure). */
  public static BoundedSum of(PrivacyBudget budget, Bounds bounds, NoiseKind noise, UniformRandomProvider random) {
    Aggregations.checkCommon(budget, bounds, noise, random);
    return new BoundedSum(bounds, Aggregations.mechanism(budget, bounds.maxMagnitude(), noise, random));
  }

  /**
   * The noisy sum of the clamped values and its confidence interval.
   *
   * @param values the data (not changed); may be empty; NaN entries are ignored
   * @param confidenceLevel in {@code (0, 1)}
   * @return the release
   */
  public NoisyStatistic release(double[] values, double confidenceLevel) {
    Aggregations.checkLevel(confidenceLevel);
    double sum = 0;
    for (double v : java.util.Objects.requireNonNull(values, "values must not be null")) {
      if (!Double.isNaN(v)) {
        sum += bounds.clamp(v);
      }
    }
    double noisy = mechanism.addNoise(sum);
    return new NoisyStatistic(noisy, mechanism.confidenceInterval(noisy, confidenceLevel));
  }

  /**
   * Spends {@link #event()} from {@code filter}, then releases; arguments are checked first, so bad
   * input wastes no budget.
   *
   * @throws org.dp4j.core.budget.PrivacyBudgetExceededException when the filter refuses; nothing is
   *     released or spent
   */
  public NoisyStatistic release(double[] values, double confidenceLevel, org.dp4j.core.budget.PrivacyFilter filter, String label) {
    Aggregations.checkLevel(confidenceLevel);
    org.dp4j.core.internal.Checks.notNull("values", values);
    org.dp4j.core.internal.Checks.notNull("filter", filter).spend(event(), label);
    return release(values, confidenceLevel);
  }

  /** The privacy cost of one release. */
  public PrivacyEvent event() {
    return mechanism.event();
  }
}

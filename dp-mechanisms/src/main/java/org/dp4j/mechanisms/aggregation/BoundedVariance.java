package org.dp4j.mechanisms.aggregation;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.mechanisms.NoiseMechanism;
import org.dp4j.mechanisms.random.AesCtrRandom;

/**
 * A noisy (population) variance of values clamped to {@link Bounds}: a third of the budget each for
 * a noisy count {@code N}, a noisy sum {@code S1} of centred values (sensitivity {@code r = (upper -
 * lower) / 2}) and a noisy sum {@code S2} of their squares (sensitivity {@code r^2}); the release is
 * {@code S2/N - (S1/N)^2}, clamped to {@code [0, r^2]} (post-processing). It has no confidence
 * interval (the ratio of three noisy terms has none that is both simple and valid). Not thread-safe.
 */
public final class BoundedVariance {

  private final Bounds bounds;
  private final NoiseMechanism count;
  private final NoiseMechanism sum;
  private final NoiseMechanism sumOfSquares;

  private BoundedVariance(Bounds bounds, NoiseMechanism count, NoiseMechanism sum, NoiseMechanism sumOfSquares) {
    this.bounds = bounds;
    this.count = count;
    this.sum = sum;
    this.sumOfSquares = sumOfSquares;
  }

  /** A bounded variance on a new secure source; parameters as for {@link BoundedMean}. */
  public static BoundedVariance of(PrivacyBudget budget, Bounds bounds, NoiseKind noise) {
    return of(budget, bounds, noise, AesCtrRandom.fromOperatingSystem());
  }

  /** As {@link #of(PrivacyBudget, Bounds, NoiseKind)}, drawing from {@code random} (private only if secure). */
  public static BoundedVariance of(PrivacyBudget budget, Bounds bounds, NoiseKind noise, UniformRandomProvider random) {
    Aggregations.checkCommon(budget, bounds, noise, random);
    PrivacyBudget third = Aggregations.share(budget, 3);
    double r = bounds.halfWidth();
    return new BoundedVariance(
        bounds,
        Aggregations.mechanism(third, 1.0, noise, random),
        Aggregations.mechanism(third, r, noise, random),
        Aggregations.mechanism(third, r * r, noise, random));
  }

  /**
   * The noisy population variance.
   *
   * @param values the data (not changed); may be empty; NaN entries are ignored
   * @return a value in {@code [0, ((upper - lower) / 2)^2]}
   */
  public double release(double[] values) {
    Aggregations.Moments moments = Aggregations.Moments.of(values, bounds);
    double n = Math.max(1.0, count.addNoise(moments.count()));
    double s1 = sum.addNoise(moments.sum());
    double s2 = sumOfSquares.addNoise(moments.sumOfSquares());
    double r = bounds.halfWidth();
    double mean = Math.max(-r, Math.min(r, s1 / n));
    double variance = s2 / n - mean * mean;
    return Math.max(0.0, Math.min(r * r, variance));
  }

  /**
   * Spends {@link #event()} from {@code filter}, then releases; arguments are checked first, so bad
   * input wastes no budget.
   *
   * @throws org.dp4j.core.budget.PrivacyBudgetExceededException when the filter refuses; nothing is
   *     released or spent
   */
  public double release(double[] values, org.dp4j.core.budget.PrivacyFilter filter, String label) {
    org.dp4j.core.internal.Checks.notNull("values", values);
    org.dp4j.core.internal.Checks.notNull("filter", filter).spend(event(), label);
    return release(values);
  }

  /** The privacy cost of one release: three events, composed. */
  public PrivacyEvent event() {
    return ComposedEvent.of(count.event(), sum.event(), sumOfSquares.event());
  }
}

package org.dp4j.mechanisms.aggregation;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.mechanisms.ConfidenceInterval;
import org.dp4j.mechanisms.NoiseMechanism;
import org.dp4j.mechanisms.random.AesCtrRandom;

/**
 * A noisy mean of values clamped to {@link Bounds}, as in Google's library: half the budget for a
 * noisy count {@code N}, half for a noisy sum {@code S} of the values centred at the midpoint {@code
 * m} (sensitivity {@code (upper - lower) / 2}); the release is {@code m + S / N} clamped to the
 * bounds (post-processing). The event is the composition of the two.
 *
 * <p><b>Confidence interval.</b> Both noises' intervals are taken at level {@code sqrt(level)}; they
 * are independent, so both hold with probability {@code level}, and then the true mean lies between
 * the extreme ratios {@code m + s / c} over the two intervals (clamped to the bounds; the whole
 * bounds when the count's interval reaches 0). Not thread-safe.
 */
public final class BoundedMean {

  private final Bounds bounds;
  private final NoiseMechanism count;
  private final NoiseMechanism sum;

  private BoundedMean(Bounds bounds, NoiseMechanism count, NoiseMechanism sum) {
    this.bounds = bounds;
    this.count = count;
    this.sum = sum;
  }

  /**
   * A bounded mean on a new secure source.
   *
   * @param budget total budget (pure for Laplace, positive delta for Gaussian)
   * @param bounds clamping bounds with {@code upper > lower}
   * @param noise the noise kind
   * @return the aggregation
   */
  public static BoundedMean of(PrivacyBudget budget, Bounds bounds, NoiseKind noise) {
    return of(budget, bounds, noise, AesCtrRandom.fromOperatingSystem());
  }

  /** As {@link #of(PrivacyBudget, Bounds, NoiseKind)}, drawing from {@code random} (private only if secure). */
  public static BoundedMean of(PrivacyBudget budget, Bounds bounds, NoiseKind noise, UniformRandomProvider random) {
    Aggregations.checkCommon(budget, bounds, noise, random);
    PrivacyBudget half = Aggregations.share(budget, 2);
    return new BoundedMean(
        bounds,
        Aggregations.mechanism(half, 1.0, noise, random),
        Aggregations.mechanism(half, bounds.halfWidth(), noise, random));
  }

  /**
   * The noisy mean and its confidence interval.
   *
   * @param values the data (not changed); may be empty; NaN entries are ignored
   * @param confidenceLevel in {@code (0, 1)}
   * @return the release, inside the bounds
   */
  public NoisyStatistic release(double[] values, double confidenceLevel) {
    Aggregations.checkLevel(confidenceLevel);
    Aggregations.Moments moments = Aggregations.Moments.of(values, bounds);
    double noisyCount = count.addNoise(moments.count());
    double noisySum = sum.addNoise(moments.sum());
    double mid = bounds.midpoint();
    double mean = bounds.clamp(mid + noisySum / Math.max(1.0, noisyCount));
    double partLevel = Math.sqrt(confidenceLevel);
    ConfidenceInterval c = count.confidenceInterval(noisyCount, partLevel);
    ConfidenceInterval s = sum.confidenceInterval(noisySum, partLevel);
    double lower = bounds.lower();
    double upper = bounds.upper();
    if (c.lower() > 0) {
      double lo = Math.min(s.lower() / c.lower(), s.lower() / c.upper());
      double hi = Math.max(s.upper() / c.lower(), s.upper() / c.upper());
      lower = bounds.clamp(Math.nextDown(mid + lo));
      upper = bounds.clamp(Math.nextUp(mid + hi));
    }
    return new NoisyStatistic(mean, new ConfidenceInterval(lower, upper, confidenceLevel));
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

  /** The privacy cost of one release: the count's and the sum's events, composed. */
  public PrivacyEvent event() {
    return ComposedEvent.of(count.event(), sum.event());
  }
}

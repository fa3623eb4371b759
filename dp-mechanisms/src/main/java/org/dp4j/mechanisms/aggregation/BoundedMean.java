package org.dp4j.mechanisms.aggregation;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.ConfidenceInterval;
import org.dp4j.mechanisms.NoiseMechanism;
import org.dp4j.mechanisms.random.AesCtrRandom;

/**
 * A noisy mean of values clamped to {@link Bounds}, as in Google's library: half the budget for a
 * noisy count {@code N}, half for a noisy sum {@code S} of the values centred at the midpoint
 * {@code m} (sensitivity {@code (upper - lower) / 2}); the release is {@code m + S / N} clamped to
 * the bounds (post-processing).
 *
 * <p><b>Cost.</b> A record contributes 1 to the count and its centred value {@code c}, {@code |c|
 * <= r = (upper - lower) / 2}, to the sum, or nothing when it is NaN. The cost of one release is
 * that of the worst simultaneous move of both noisy inputs, and {@link #event()} states it per
 * relation:
 *
 * <ul>
 *   <li>{@code ADD_OR_REMOVE_ONE}: the count moves by 1 and the sum by up to {@code r}, together:
 *       the composition of the two parts at their calibrated sensitivities, whose cost is the
 *       budget ({@code ComposedEvent} of the two parts' events).
 *   <li>{@code REPLACE_ONE}: either a value is replaced by another (the count stays, the sum moves
 *       by up to {@code 2r = upper - lower}) or by NaN (the count moves by 1, the sum by up to
 *       {@code r}); the event is the worse of the two, computed on the grid of the
 *       floating-point-safe mechanisms. With Laplace noise, {@code max(ε_sum(2r), ε/2 + ε/2)}: the
 *       budget's ε (the first term is at most ε: the grid shift of {@code 2r} is at most twice that
 *       of {@code r}). With Gaussian noise, a Gaussian of {@code mu = max(mu_sum(2r),
 *       sqrt(mu_count^2 + mu_sum(r)^2))}, where the parts' {@code mu_count} and {@code mu_sum(r)}
 *       are equal ({@code mu0}) up to the grid: {@code 2 mu0}, against {@code sqrt(2) mu0} under
 *       add/remove. Charging each part its own worst case instead would claim {@code sqrt(5) mu0}
 *       or {@code 3ε/2}.
 * </ul>
 *
 * <p><b>Confidence interval.</b> Both noises' intervals are taken at level {@code sqrt(level)};
 * they are independent, so both hold with probability {@code level}, and then the true mean lies
 * between the extreme ratios {@code m + s / c} over the two intervals (clamped to the bounds; the
 * whole bounds when the count's interval reaches 0). Not thread-safe.
 */
public final class BoundedMean {

  private final Bounds bounds;
  private final NoiseMechanism count;
  private final NoiseMechanism sum;
  private final PerRelationEvent event;

  private BoundedMean(Bounds bounds, NoiseKind kind, NoiseMechanism count, NoiseMechanism sum) {
    this.bounds = bounds;
    this.count = count;
    this.sum = sum;
    double r = bounds.halfWidth();
    NoiseMechanism[] parts = {count, sum};
    double valueReplaced = Aggregations.scenarioCost(parts, 0, 2 * r);
    double replacedByNan = Aggregations.scenarioCost(parts, 1, r);
    this.event =
        PerRelationEvent.of(
            ComposedEvent.of(Aggregations.partEvent(count, 1), Aggregations.partEvent(sum, r)),
            Aggregations.costEvent(kind, Math.max(valueReplaced, replacedByNan)));
  }

  /**
   * A bounded mean on a new secure source.
   *
   * @param budget total budget (pure for Laplace, positive delta for Gaussian): the cost of one
   *     release under {@code ADD_OR_REMOVE_ONE} (see the class documentation for {@code
   *     REPLACE_ONE})
   * @param bounds clamping bounds with {@code upper > lower}
   * @param noise the noise kind
   * @return the aggregation
   */
  public static BoundedMean of(PrivacyBudget budget, Bounds bounds, NoiseKind noise) {
    return of(budget, bounds, noise, AesCtrRandom.fromOperatingSystem());
  }

  /**
   * As {@link #of(PrivacyBudget, Bounds, NoiseKind)}, drawing from {@code random} (private only if
   * secure).
   *
   * @param budget total budget (pure for Laplace, positive delta for Gaussian): the cost of one
   *     release under {@code ADD_OR_REMOVE_ONE} (see the class documentation for {@code
   *     REPLACE_ONE})
   * @param bounds clamping bounds with {@code upper > lower}
   * @param noise the noise kind
   * @param random the uniform source the noise is drawn from, not null
   * @return the aggregation
   */
  public static BoundedMean of(
      PrivacyBudget budget, Bounds bounds, NoiseKind noise, UniformRandomProvider random) {
    Aggregations.checkCommon(budget, bounds, noise, random);
    PrivacyBudget half = Aggregations.share(budget, 2);
    return new BoundedMean(
        bounds,
        noise,
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
   * @param values the data (not changed); may be empty; NaN entries are ignored
   * @param confidenceLevel in {@code (0, 1)}
   * @param filter the budget to spend from, not null
   * @param label the spend's label in the filter's log, not null
   * @return the release, inside the bounds
   * @throws PrivacyBudgetExceededException when the filter refuses; nothing is released or spent
   */
  public NoisyStatistic release(
      double[] values, double confidenceLevel, PrivacyFilter filter, String label) {
    Aggregations.checkLevel(confidenceLevel);
    Checks.notNull("values", values);
    Checks.notNull("filter", filter).spend(event(), label);
    return release(values, confidenceLevel);
  }

  /** {@return the exact cost of one release under each relation} See the class documentation. */
  public PerRelationEvent event() {
    return event;
  }
}

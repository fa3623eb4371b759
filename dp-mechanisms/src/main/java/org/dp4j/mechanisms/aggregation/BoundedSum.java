package org.dp4j.mechanisms.aggregation;

import java.math.BigDecimal;
import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.NoiseMechanism;
import org.dp4j.mechanisms.random.AesCtrRandom;

/**
 * A noisy sum of values clamped to {@link Bounds}. NaN values are ignored (they contribute 0). Each
 * release costs {@link #event()}. Not thread-safe.
 *
 * <p><b>Cost.</b> One record contributes a value in {@code C = [lower, upper] ∪ {0}} (0 for NaN).
 * Adding or removing it moves the sum by at most {@code max(|lower|, |upper|)}, the sensitivity the
 * noise is calibrated to, so the budget is the cost under {@code ADD_OR_REMOVE_ONE}. Replacing it
 * moves the sum by at most {@code max(upper, 0) - min(lower, 0)} (the diameter of {@code C}: {@code
 * upper - lower} when the bounds contain 0), up to twice as much. {@link #event()} states both:
 * with Laplace noise {@code EpsilonDeltaEvent.pure(ε(s))}, with Gaussian noise {@code
 * GaussianEvent(m(s))}, each at that relation's sensitivity {@code s} with the grid of the
 * floating-point-safe mechanisms ({@link org.dp4j.mechanisms.LaplaceMechanism#epsilonFor(double)},
 * {@link org.dp4j.mechanisms.GaussianMechanism#noiseMultiplierFor(double)}). For example a Laplace
 * sum on {@code [-1, 1]} at {@code ε = 1} costs 1 under add/remove and 2 (less one grid step in
 * 2^40) under replace-one.
 */
public final class BoundedSum {

  private final Bounds bounds;
  private final NoiseMechanism mechanism;
  private final PerRelationEvent event;

  private BoundedSum(Bounds bounds, NoiseMechanism mechanism) {
    this.bounds = bounds;
    this.mechanism = mechanism;
    this.event =
        PerRelationEvent.of(
            Aggregations.partEvent(mechanism, bounds.maxMagnitude()),
            Aggregations.partEvent(mechanism, replaceOneSensitivity(bounds)));
  }

  /**
   * A bounded sum on a new secure source.
   *
   * @param budget pure for Laplace, positive delta for Gaussian: the cost of one release under
   *     {@code ADD_OR_REMOVE_ONE} (see the class documentation for {@code REPLACE_ONE})
   * @param bounds clamping bounds, chosen without looking at the data; not both zero
   * @param noise the noise kind
   * @return the aggregation
   * @throws IllegalArgumentException when the bounds are {@code [0, 0]} (nothing to sum)
   */
  public static BoundedSum of(PrivacyBudget budget, Bounds bounds, NoiseKind noise) {
    return of(budget, bounds, noise, AesCtrRandom.fromOperatingSystem());
  }

  /**
   * As {@link #of(PrivacyBudget, Bounds, NoiseKind)}, drawing from {@code random} (private only if
   * secure).
   *
   * @param budget pure for Laplace, positive delta for Gaussian: the cost of one release under
   *     {@code ADD_OR_REMOVE_ONE} (see the class documentation for {@code REPLACE_ONE})
   * @param bounds clamping bounds, chosen without looking at the data; not both zero
   * @param noise the noise kind
   * @param random the uniform source the noise is drawn from, not null
   * @return the aggregation
   * @throws IllegalArgumentException when the bounds are {@code [0, 0]} (nothing to sum)
   */
  public static BoundedSum of(
      PrivacyBudget budget, Bounds bounds, NoiseKind noise, UniformRandomProvider random) {
    Aggregations.checkCommon(budget, bounds, noise, random);
    return new BoundedSum(
        bounds, Aggregations.mechanism(budget, bounds.maxMagnitude(), noise, random));
  }

  /**
   * {@code max(upper, 0) - min(lower, 0)}, rounded up: how much replacing one record (a clamped
   * value, or 0 for NaN) can move the sum.
   */
  static double replaceOneSensitivity(Bounds bounds) {
    double high = Math.max(bounds.upper(), 0.0);
    double low = Math.min(bounds.lower(), 0.0);
    double width = high - low;
    BigDecimal exact = new BigDecimal(high).subtract(new BigDecimal(low));
    return new BigDecimal(width).compareTo(exact) < 0 ? Math.nextUp(width) : width;
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
   * @param values the data (not changed); may be empty; NaN entries are ignored
   * @param confidenceLevel in {@code (0, 1)}
   * @param filter the budget to spend from, not null
   * @param label the spend's label in the filter's log, not null
   * @return the release
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

package org.dp4j.mechanisms.aggregation;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.GaussianMechanism;
import org.dp4j.mechanisms.LaplaceMechanism;
import org.dp4j.mechanisms.NoiseMechanism;
import org.dp4j.mechanisms.random.AesCtrRandom;

/**
 * A noisy (population) variance of values clamped to {@link Bounds}: a third of the budget each for
 * a noisy count {@code N}, a noisy sum {@code S1} of centred values (sensitivity {@code r = (upper
 * - lower) / 2}) and a noisy sum {@code S2} of their squares (sensitivity {@code r^2}); the release
 * is {@code S2/N - (S1/N)^2}, clamped to {@code [0, r^2]} (post-processing). It has no confidence
 * interval (the ratio of three noisy terms has none that is both simple and valid). Not
 * thread-safe.
 *
 * <p><b>Cost.</b> A record contributes {@code (1, c, c^2)} with {@code |c| <= r}, or nothing when
 * it is NaN. {@link #event()} states the cost of the worst simultaneous move of the three noisy
 * inputs under each relation:
 *
 * <ul>
 *   <li>{@code ADD_OR_REMOVE_ONE}: {@code (1, r, r^2)} at once ({@code c = ±r}), the composition of
 *       the three parts at their calibrated sensitivities, whose cost is the budget.
 *   <li>{@code REPLACE_ONE}: a value replaced by NaN moves them by {@code (1, r, r^2)} again; a
 *       value {@code c} replaced by {@code c'} moves them by {@code (0, u, v)} with {@code u = |c -
 *       c'| <= 2r} and {@code v = |c - c'| |c + c'| <= u (2r - u)} (as {@code |c + c'| + |c - c'| =
 *       2 max(|c|, |c'|)}), and every such pair is reached. The event is the worse of the two: with
 *       Laplace noise the value swap costs at most about {@code 3ε/4} (at {@code u = 3r/2}), so the
 *       budget's ε; with Gaussian noise (parts at {@code mu0} each) the value swap's {@code mu0
 *       sqrt(x^2 + x^2 (2 - x)^2)}, {@code x = u / r}, grows up to {@code 2 mu0} at {@code u = 2r},
 *       above the NaN swap's {@code sqrt(3) mu0}. The maximum over {@code u} is taken in closed
 *       form (a concave quadratic for Laplace; for Gaussian the ends and the real roots of the
 *       derivative, {@code x = (3 ± sqrt(1 - 2 (mu_S/mu_Q)^2)) / 2}), with each part's grid shift
 *       {@code floor(s / g) + 1} bounded by {@code s / g + 1} and the extra steps added by the
 *       triangle inequality, so the value is an upper bound exact to about one grid step in 2^40.
 * </ul>
 */
public final class BoundedVariance {

  /** Absolute allowance, relative to the largest term, for rounding in the closed-form maxima. */
  private static final double MAXIMUM_ROUNDING = 0x1p-40;

  private final Bounds bounds;
  private final NoiseMechanism count;
  private final NoiseMechanism sum;
  private final NoiseMechanism sumOfSquares;
  private final PerRelationEvent event;

  private BoundedVariance(
      Bounds bounds,
      NoiseKind kind,
      NoiseMechanism count,
      NoiseMechanism sum,
      NoiseMechanism sumOfSquares) {
    this.bounds = bounds;
    this.count = count;
    this.sum = sum;
    this.sumOfSquares = sumOfSquares;
    double r = bounds.halfWidth();
    double rSquared = r * r;
    double replacedByNan =
        Aggregations.scenarioCost(new NoiseMechanism[] {count, sum, sumOfSquares}, 1, r, rSquared);
    double valueReplaced =
        kind == NoiseKind.LAPLACE
            ? laplaceValueSwap((LaplaceMechanism) sum, (LaplaceMechanism) sumOfSquares, r, rSquared)
            : gaussianValueSwap(
                (GaussianMechanism) sum, (GaussianMechanism) sumOfSquares, r, rSquared);
    this.event =
        PerRelationEvent.of(
            ComposedEvent.of(
                Aggregations.partEvent(count, 1),
                Aggregations.partEvent(sum, r),
                Aggregations.partEvent(sumOfSquares, rSquared)),
            Aggregations.costEvent(kind, Math.max(replacedByNan, valueReplaced)));
  }

  /**
   * Upper bound on the pure epsilon of {@code (0, u, u (2r - u))} over {@code u in [0, 2r]}: each
   * part costs {@code ε_j (floor(s / g_j) + 1) / D_j <= (ε_j / D_j) (s / g_j + 1)}, so the bound is
   * {@code A x + B x (2 - x) + C} with {@code x = u / r}, maximal at {@code x = min(2, 1 + A /
   * (2B))}.
   */
  private static double laplaceValueSwap(
      LaplaceMechanism sum, LaplaceMechanism squares, double r, double rSquared) {
    double perStepSum = sum.epsilonFor(r) / (Math.floor(r / sum.granularity()) + 1);
    double perStepSquares =
        squares.epsilonFor(rSquared) / (Math.floor(rSquared / squares.granularity()) + 1);
    double a = perStepSum * (r / sum.granularity());
    double b = perStepSquares * (rSquared / squares.granularity());
    double x = Math.min(2.0, 1.0 + a / (2 * b));
    double value = a * x + b * x * (2 - x) + perStepSum + perStepSquares;
    return Aggregations.roundedUp(value + MAXIMUM_ROUNDING * (2 * a + b));
  }

  /**
   * Upper bound on the Gaussian {@code mu} of {@code (0, u, u (2r - u))} over {@code u in [0, 2r]}:
   * each part's shift in units of its standard deviation is at most {@code s / σ_j + g_j / σ_j}, so
   * by the triangle inequality {@code mu <= sqrt(max_x (α x^2 + β x^2 (2 - x)^2)) + sqrt((g_S /
   * σ_S)^2 + (g_Q / σ_Q)^2)}, {@code α = (r / σ_S)^2}, {@code β = (r^2 / σ_Q)^2}; the polynomial's
   * derivative {@code 2x (α + 2β (2 - x)(1 - x))} vanishes at {@code x = (3 ± sqrt(1 - 2α/β)) / 2}.
   */
  private static double gaussianValueSwap(
      GaussianMechanism sum, GaussianMechanism squares, double r, double rSquared) {
    double alpha = square(r / sum.sigma());
    double beta = square(rSquared / squares.sigma());
    double best = 4 * alpha; // x = 2
    double discriminant = 1 - 2 * alpha / beta;
    if (discriminant >= 0) {
      for (double sign : new double[] {-1, 1}) {
        double x = (3 + sign * Math.sqrt(discriminant)) / 2;
        best = Math.max(best, alpha * x * x + beta * square(x * (2 - x)));
      }
    }
    double steps =
        Math.sqrt(
            square(sum.granularity() / sum.sigma())
                + square(squares.granularity() / squares.sigma()));
    return Aggregations.roundedUp(Math.sqrt(best + MAXIMUM_ROUNDING * (4 * alpha + beta)) + steps);
  }

  private static double square(double x) {
    return x * x;
  }

  /**
   * A bounded variance on a new secure source.
   *
   * @param budget total budget (pure for Laplace, positive delta for Gaussian), split in three
   *     equal parts for the count, the sum and the sum of squares: the cost of one release under
   *     {@code ADD_OR_REMOVE_ONE} (see the class documentation for {@code REPLACE_ONE})
   * @param bounds clamping bounds with {@code upper > lower}
   * @param noise the noise kind
   * @return the aggregation
   */
  public static BoundedVariance of(PrivacyBudget budget, Bounds bounds, NoiseKind noise) {
    return of(budget, bounds, noise, AesCtrRandom.fromOperatingSystem());
  }

  /**
   * As {@link #of(PrivacyBudget, Bounds, NoiseKind)}, drawing from {@code random} (private only if
   * secure).
   *
   * @param budget as for {@link #of(PrivacyBudget, Bounds, NoiseKind)}
   * @param bounds clamping bounds with {@code upper > lower}
   * @param noise the noise kind
   * @param random the uniform source the noise is drawn from, not null
   * @return the aggregation
   */
  public static BoundedVariance of(
      PrivacyBudget budget, Bounds bounds, NoiseKind noise, UniformRandomProvider random) {
    Aggregations.checkCommon(budget, bounds, noise, random);
    PrivacyBudget third = Aggregations.share(budget, 3);
    double r = bounds.halfWidth();
    return new BoundedVariance(
        bounds,
        noise,
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
   * @param values the data (not changed); may be empty; NaN entries are ignored
   * @param filter the budget to spend from, not null
   * @param label the spend's label in the filter's log, not null
   * @return a value in {@code [0, ((upper - lower) / 2)^2]}
   * @throws PrivacyBudgetExceededException when the filter refuses; nothing is released or spent
   */
  public double release(double[] values, PrivacyFilter filter, String label) {
    Checks.notNull("values", values);
    Checks.notNull("filter", filter).spend(event(), label);
    return release(values);
  }

  /** {@return the exact cost of one release under each relation} See the class documentation. */
  public PerRelationEvent event() {
    return event;
  }
}

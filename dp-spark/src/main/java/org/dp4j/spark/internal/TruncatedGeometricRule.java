package org.dp4j.spark.internal;

import java.io.Serializable;
import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.internal.Checks;

/**
 * The optimal one-group partition-selection rule of Desfontaines, Voss, Gipson and Mandayam,
 * "Differentially private partition selection", PoPETs 2022 (1), Definition 5 and Theorem 1 (the
 * "truncated geometric" thresholding): a group with {@code n} privacy units is released with
 * probability
 *
 * <pre>
 *   pi(0) = 0
 *   pi(n) = min( e^eps * pi(n-1) + delta,  1 - e^-eps * (1 - pi(n-1) - delta),  1 )
 * </pre>
 *
 * which is (eps, delta)-DP for a unit that changes {@code n} by at most 1 (both inequalities of the
 * definition, in both directions, hold with equality where they bind), and the largest such
 * function pointwise. A unit in at most K groups is covered by running it at (eps/K, delta/K) in
 * every group, or by composing K copies of its event (what dp-spark does, under PLD).
 *
 * <p><b>Rounding.</b> The table is computed in doubles with epsilon reduced by a relative 2^-30 and
 * delta by a relative 2^-30 and an absolute {@code e^eps 2^-50}. Near 0 a step's rounding is
 * relative (at most 2^-51, covered by the epsilon margin as long as {@code eps >= 2^-20}); near 1
 * it is absolute (at most 2^-53 on {@code pi}, so {@code e^eps 2^-53} on the second inequality,
 * covered by the absolute delta margin). Smaller epsilons, and deltas that the margin would eat
 * more than half of, are rejected. The trial is exact ({@link DyadicBernoulli}). Beyond {@value
 * #MAX_TABLE} units the probability stays at the last table value (a flat continuation satisfies
 * both inequalities), which only happens for epsilons below about 1e-5.
 *
 * <p>Immutable; the table is built lazily once per instance (per Spark task).
 */
public final class TruncatedGeometricRule implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Largest table length: 2^20 entries (8 MiB). */
  public static final int MAX_TABLE = 1 << 20;

  /** Smallest epsilon accepted: 2^-20, where the relative margin still covers the rounding. */
  public static final double MIN_EPSILON = 0x1.0p-20;

  private static final double MARGIN = 0x1.0p-30;

  private final double epsilon;
  private final double delta;
  private transient double[] table;

  /**
   * The rule at (epsilon, delta) for one group.
   *
   * @param epsilon per-group epsilon, finite and at least {@link #MIN_EPSILON}
   * @param delta per-group delta, in {@code (0, 1)}
   */
  public TruncatedGeometricRule(double epsilon, double delta) {
    Checks.require(
        epsilon >= MIN_EPSILON && epsilon < Double.POSITIVE_INFINITY,
        "partition selection epsilon per group",
        "finite and at least 2^-20",
        epsilon);
    Checks.positiveDelta("partition selection delta per group", delta);
    Checks.require(
        reducedDelta(epsilon, delta) >= delta / 2,
        "partition selection delta per group",
        "at least e^epsilon 2^-49 (epsilon " + epsilon + ")",
        delta);
    this.epsilon = epsilon;
    this.delta = delta;
  }

  /** The per-group epsilon. */
  public double epsilon() {
    return epsilon;
  }

  /** The per-group delta. */
  public double delta() {
    return delta;
  }

  /**
   * The release probability of a group with {@code units} privacy units, as sampled.
   *
   * @param units the number of (bounded) privacy units in the group, {@code >= 0}
   * @return pi(units) in {@code [0, 1]}
   */
  public double releaseProbability(long units) {
    Checks.nonNegative("units", units);
    double[] t = table();
    return units < t.length ? t[(int) units] : t[t.length - 1];
  }

  /**
   * Decides one group.
   *
   * @param units the group's number of privacy units, {@code >= 0}
   * @param random the source, secure for a private release
   * @return whether the group is released
   */
  public boolean release(long units, UniformRandomProvider random) {
    return DyadicBernoulli.trial(releaseProbability(units), random);
  }

  /** The smallest unit count released with probability 1, or -1 if the table never reaches 1. */
  public long unitsReleasedSurely() {
    double[] t = table();
    return t[t.length - 1] == 1.0 ? t.length - 1 : -1;
  }

  private double[] table() {
    double[] t = table;
    if (t == null) {
      t = buildTable(epsilon * (1 - MARGIN), reducedDelta(epsilon, delta));
      table = t;
    }
    return t;
  }

  private static double reducedDelta(double epsilon, double delta) {
    return delta * (1 - MARGIN) - Math.exp(epsilon) * 0x1.0p-50;
  }

  private static double[] buildTable(double eps, double del) {
    double growth = Math.exp(eps);
    double shrink = Math.exp(-eps);
    double[] grow = new double[1024];
    int n = 1;
    double previous = 0.0;
    while (n < MAX_TABLE) {
      double next =
          Math.min(Math.min(growth * previous + del, 1 - shrink * (1 - previous - del)), 1.0);
      if (n == grow.length) {
        grow = java.util.Arrays.copyOf(grow, Math.min(MAX_TABLE, 2 * grow.length));
      }
      grow[n] = next;
      n++;
      if (next >= 1.0) {
        break;
      }
      previous = next;
    }
    return java.util.Arrays.copyOf(grow, n);
  }

  @Override
  public String toString() {
    return "TruncatedGeometricRule[epsilon=" + epsilon + ", delta=" + delta + "]";
  }
}

package org.dp4j.core;

/**
 * Which pairs of datasets a guarantee treats as neighbours.
 *
 * <p>The relation changes the sensitivity of a sum of per-record contributions each bounded by
 * {@code C} in norm: adding or removing one record moves the sum by at most {@code C}, replacing
 * one record by at most {@code 2C} (triangle inequality). Accountants apply this, and only this,
 * rule to plain {@link org.dp4j.core.event.GaussianEvent} and {@link
 * org.dp4j.core.event.LaplaceEvent} events, whose noise multipliers are relative to the add/remove
 * sensitivity of such a sum: under a relation with {@link #sumSensitivityFactor()} {@code f} the
 * multiplier is divided by {@code f}. Events stated directly as guarantees ({@link
 * org.dp4j.core.event.EpsilonDeltaEvent}, {@link org.dp4j.core.event.ZcdpEvent}) are taken as
 * stated under the accountant's relation, and a {@link org.dp4j.core.event.PerRelationEvent}
 * supplies the branch for the accountant's relation, never rescaled. A query that is not a sum of
 * contributions in a ball of radius {@code C} (a mean, a count, a selection) has its own
 * sensitivity under each relation; the mechanisms that know their query state it with a {@code
 * PerRelationEvent}.
 */
public enum NeighbouringRelation {
  /**
   * Datasets differ by adding or removing one record (the "unbounded" relation of Dwork et al.; the
   * relation under which Poisson subsampling amplifies privacy, as used by Opacus and TF Privacy).
   */
  ADD_OR_REMOVE_ONE(1.0),
  /** Datasets of the same size differ in the value of one record (the "bounded" relation). */
  REPLACE_ONE(2.0);

  private final double sumSensitivityFactor;

  NeighbouringRelation(double sumSensitivityFactor) {
    this.sumSensitivityFactor = sumSensitivityFactor;
  }

  /**
   * {@return the factor by which this relation multiplies the sensitivity of a sum of norm-bounded
   * contributions, relative to {@link #ADD_OR_REMOVE_ONE}: 1 for add/remove, 2 for replace-one}
   */
  public double sumSensitivityFactor() {
    return sumSensitivityFactor;
  }
}

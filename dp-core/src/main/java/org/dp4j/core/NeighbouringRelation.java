package org.dp4j.core;

/**
 * Which pairs of datasets a guarantee treats as neighbours.
 *
 * <p>The relation changes the sensitivity of a sum of per-record contributions each bounded by
 * {@code C} in norm: adding or removing one record moves the sum by at most {@code C}, replacing one
 * record by at most {@code 2C} (triangle inequality). Accountants honour this by scaling the
 * sensitivity of Gaussian and Laplace events by {@link #sumSensitivityFactor()} (equivalently,
 * dividing the event's noise multiplier by it). Events stated directly as guarantees
 * (epsilon/delta, zCDP rho) are taken to be stated under the accountant's relation already.
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
   * The factor by which this relation multiplies the sensitivity of a sum of norm-bounded
   * contributions, relative to {@link #ADD_OR_REMOVE_ONE}: 1 for add/remove, 2 for replace-one.
   */
  public double sumSensitivityFactor() {
    return sumSensitivityFactor;
  }
}

package org.dp4j.spark;

/**
 * How a {@link DpAggregation} divides its budget among its releases (noisy sums, quantile ranks,
 * partition selection).
 */
public enum BudgetSplit {
  /**
   * All releases calibrated together under PLD composition: one noise multiplier for all of them,
   * the smallest whose composed guarantee meets the budget (see {@link Calibration}). The default.
   */
  JOINT,
  /**
   * Each of the P releases gets {@code (epsilon / P, delta / P)} and is calibrated alone (analytic
   * Gaussian, or Laplace at {@code epsilon / P}), as libraries whose only accountant adds budgets
   * do. Never less noise than {@link #JOINT}; it exists to compare the two on the same query.
   */
  EQUAL
}

package org.dp4j.spark;

/**
 * How {@link DpAggregation} chooses the groups it releases when no public list of groups is given.
 * Both charge epsilon and delta: a group that exists only because of one unit can be released only
 * with a small probability, and that probability is part of the query's delta.
 */
public enum PartitionSelection {
  /**
   * Gaussian thresholding: a group is released when its noisy count of privacy units (Gaussian
   * noise, L2 sensitivity {@code sqrt(K)}) exceeds a threshold chosen so that each group that only
   * one unit creates is released with probability at most its share of delta. Composes with the
   * query's other Gaussian releases exactly under PLD, and the noisy count is released as the
   * {@code distinct_units} metric when that is asked for (at no extra cost). The default.
   */
  GAUSSIAN_THRESHOLD,
  /**
   * The optimal one-group rule of Desfontaines, Voss, Gipson and Mandayam ("Differentially private
   * partition selection", PoPETs 2022, the truncated geometric thresholding): each group with
   * {@code n} units is released with probability {@code pi(n)}, run per group at {@code (epsilon_g,
   * delta_g)} and charged as K such events. The only choice with Laplace noise.
   */
  TRUNCATED_GEOMETRIC
}

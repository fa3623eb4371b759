package org.dp4j.spark;

import org.dp4j.core.internal.Checks;

/**
 * One noisy sum of a query, as calibrated: what is summed, its sensitivity and the noise added,
 * next to the noise an equal split of the budget would have needed.
 *
 * @param name what is summed, for example {@code count} or {@code centred sum(spent)}
 * @param sensitivity the L2 (Gaussian) or L1 (Laplace) sensitivity of the vector of all groups'
 *     sums under adding or removing one unit, in the column's units
 * @param scale the noise standard deviation (Gaussian) or Laplace scale actually used per group, in
 *     the column's units
 * @param equalSplitScale the same for an equal split of the budget over the query's releases
 */
public record NoisyRelease(String name, double sensitivity, double scale, double equalSplitScale) {

  /**
   * Validates the fields.
   *
   * @param name not null
   * @param sensitivity positive and finite
   * @param scale positive and finite
   * @param equalSplitScale positive and finite
   */
  public NoisyRelease {
    Checks.notNull("name", name);
    Checks.positiveFinite("sensitivity", sensitivity);
    Checks.positiveFinite("scale", scale);
    Checks.positiveFinite("equalSplitScale", equalSplitScale);
  }
}

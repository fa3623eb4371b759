package org.dp4j.spark;

import java.util.List;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.aggregation.NoiseKind;

/**
 * How a {@link DpAggregation} spends its budget: all releases calibrated together under one budget
 * by PLD accounting (see the module documentation), compared with an equal split of the budget.
 * Everything here is fixed before any data is read.
 *
 * @param budget the query's budget
 * @param noise the noise of the sums
 * @param releases P: one per noisy sum, one per quantile rank, one for private partition selection
 * @param noiseMultiplier z: each Gaussian sum's standard deviation over its L2 sensitivity (or each
 *     Laplace scale over its L1 sensitivity)
 * @param equalSplitNoiseMultiplier the multiplier each sum would need alone at {@code (epsilon / P,
 *     delta / P)}
 * @param sums the noisy sums
 * @param quantileEpsilonPerGroup the exponential mechanism's epsilon in each group (0 without
 *     quantiles)
 * @param equalSplitQuantileEpsilonPerGroup the same under an equal split (0 without quantiles)
 * @param selection how groups are chosen, in words (with the threshold or the per-group rule)
 * @param event the event of the whole query, spent on the filter
 */
public record Calibration(
    PrivacyBudget budget,
    NoiseKind noise,
    int releases,
    double noiseMultiplier,
    double equalSplitNoiseMultiplier,
    List<NoisyRelease> sums,
    double quantileEpsilonPerGroup,
    double equalSplitQuantileEpsilonPerGroup,
    String selection,
    PrivacyEvent event) {

  /**
   * Validates and copies.
   *
   * @param budget the query's budget, not null
   * @param noise the noise of the sums, not null
   * @param releases P, the number of releases calibrated together
   * @param noiseMultiplier z, the multiplier every sum uses
   * @param equalSplitNoiseMultiplier the multiplier of an equal split
   * @param sums the noisy sums; copied
   * @param quantileEpsilonPerGroup the exponential mechanism's epsilon per group (0 without
   *     quantiles)
   * @param equalSplitQuantileEpsilonPerGroup the same under an equal split
   * @param selection how groups are chosen, in words, not null
   * @param event the event of the whole query, not null
   */
  public Calibration {
    Checks.notNull("budget", budget);
    Checks.notNull("noise", noise);
    sums = List.copyOf(sums);
    Checks.notNull("selection", selection);
    Checks.notNull("event", event);
  }

  /**
   * {@return how much more noise (standard deviation or Laplace scale) an equal split of the budget
   * would add to every sum: {@code equalSplitNoiseMultiplier / noiseMultiplier}} It is at least
   * about 1; for k Gaussian sums at (1, 1e-6) it is 1.70 at k = 3 and 3.09 at k = 10.
   */
  public double equalSplitNoiseFactor() {
    return equalSplitNoiseMultiplier / noiseMultiplier;
  }
}

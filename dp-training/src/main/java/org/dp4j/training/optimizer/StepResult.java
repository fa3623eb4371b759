package org.dp4j.training.optimizer;

import org.dp4j.core.budget.SpendReceipt;

/**
 * What one {@link DpSgdOptimizer#step} did.
 *
 * @param step the step's number, from 1
 * @param batchSize examples in the batch (the realised Poisson batch size; it is not released)
 * @param clippedCount examples scaled down by clipping
 * @param nonFiniteCount examples skipped for NaN or infinite gradients
 * @param clipNorm the flat clip norm used (for per-layer clipping: the combined sensitivity)
 * @param noiseStandardDeviation the standard deviation of the noise added to the clipped sum
 * @param receipt the filter's receipt for the step's privacy event
 */
public record StepResult(
    long step,
    int batchSize,
    int clippedCount,
    int nonFiniteCount,
    double clipNorm,
    double noiseStandardDeviation,
    SpendReceipt receipt) {

  /** The filter's spent epsilon after this step, at its target delta. */
  public double spentEpsilon() {
    return receipt.epsilonAfter();
  }
}

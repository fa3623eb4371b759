package org.dp4j.training.optimizer;

import java.util.OptionalDouble;
import org.dp4j.core.budget.SpendReceipt;
import org.dp4j.core.internal.Checks;

/**
 * What one {@link DpSgdOptimizer#step} did.
 *
 * @param step the step's number, from 1
 * @param batchSize examples clipped in the step (the realised Poisson batch size, plus any injected
 *     ones; it is not released)
 * @param clippedCount examples scaled down by clipping
 * @param nonFiniteCount examples skipped for NaN or infinite gradients
 * @param clipNorm the flat clip norm used (for per-layer clipping: the combined sensitivity)
 * @param noiseStandardDeviation the standard deviation of the noise added to the clipped sum
 * @param receipt the filter's receipt for the step's privacy event
 * @param meanLoss the batch's mean loss before the update, when the gradients' producer computed it
 *     ({@link org.dp4j.training.clipping.ClippableGradients#meanLoss()}): a <b>non-private
 *     diagnostic</b>, for the data holder only, never to be published
 */
public record StepResult(
    long step,
    int batchSize,
    int clippedCount,
    int nonFiniteCount,
    double clipNorm,
    double noiseStandardDeviation,
    SpendReceipt receipt,
    OptionalDouble meanLoss) {

  /**
   * Checks the receipt and the loss are present.
   *
   * @param step the step's number, from 1
   * @param batchSize examples clipped in the step
   * @param clippedCount examples scaled down by clipping
   * @param nonFiniteCount examples skipped for NaN or infinite gradients
   * @param clipNorm the flat clip norm used
   * @param noiseStandardDeviation the standard deviation of the noise added to the clipped sum
   * @param receipt the filter's receipt, not null
   * @param meanLoss the batch's mean loss, a non-private diagnostic; not null, may be empty
   */
  public StepResult {
    Checks.notNull("receipt", receipt);
    Checks.notNull("meanLoss", meanLoss);
  }

  /** {@return the filter's spent epsilon after this step, at its target delta (an upper bound)} */
  public double spentEpsilon() {
    return receipt.epsilonAfter();
  }

  /** {@return the delta at which {@link #spentEpsilon()} is stated: the filter's target delta} */
  public double delta() {
    return receipt.targetDelta();
  }
}

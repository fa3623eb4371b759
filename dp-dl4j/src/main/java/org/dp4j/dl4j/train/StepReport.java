package org.dp4j.dl4j.train;

import org.dp4j.training.optimizer.StepResult;

/**
 * What a {@link TrainingListener} hears after each private step.
 *
 * @param step the step's number, from 1
 * @param plannedSteps the steps {@link DpTrainer#train()} runs in total
 * @param meanLoss the batch's mean loss before the update: a <b>non-private diagnostic</b>,
 *     computed from private data without noise (show it to the data holder only, never publish it);
 *     NaN for an empty batch
 * @param epsilonSpent the filter's spent epsilon after the step, at {@link #delta()} (an upper
 *     bound; for a ledger's filter, the whole ledger's spend)
 * @param result the optimizer's account of the step
 */
public record StepReport(
    long step, long plannedSteps, double meanLoss, double epsilonSpent, StepResult result) {

  /** The delta at which {@link #epsilonSpent()} is stated: the filter's target delta. */
  public double delta() {
    return result.receipt().targetDelta();
  }
}

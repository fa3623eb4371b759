package org.dp4j.dl4j.train;

import org.dp4j.training.optimizer.StepResult;

/**
 * What a {@link TrainingListener} hears after each private step.
 *
 * @param step the step's number, from 1
 * @param plannedSteps the steps {@link DpTrainer#train()} runs in total
 * @param meanLoss the batch's mean loss before the update; computed from private data and
 *     <b>not</b> differentially private (show it to the data holder only); NaN for an empty batch
 * @param epsilonSpent the filter's spent epsilon after the step, at its target delta (an upper
 *     bound)
 * @param result the optimizer's account of the step
 */
public record StepReport(long step, long plannedSteps, double meanLoss, double epsilonSpent,
    StepResult result) {}

package org.dp4j.dl4j.train;

import org.dp4j.training.optimizer.StepResult;

/** Hears about every completed private step (for progress bars and logs). */
@FunctionalInterface
public interface TrainingListener {

  /**
   * Called after a step has been charged and applied.
   *
   * @param result the step: its number, the epsilon spent after it ({@link
   *     StepResult#spentEpsilon()} at {@link StepResult#delta()}; for a ledger's filter, the whole
   *     ledger's spend) and the batch's mean loss, a non-private diagnostic
   */
  void onStep(StepResult result);

  /** {@return a listener that does nothing} */
  static TrainingListener none() {
    return result -> {};
  }
}

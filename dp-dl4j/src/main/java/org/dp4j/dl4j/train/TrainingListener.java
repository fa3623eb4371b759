package org.dp4j.dl4j.train;

/** Hears about every completed private step (for progress bars and logs). */
@FunctionalInterface
public interface TrainingListener {

  /**
   * Called after a step has been charged and applied.
   *
   * @param report the step
   */
  void onStep(StepReport report);

  /** A listener that does nothing. */
  static TrainingListener none() {
    return report -> {};
  }
}

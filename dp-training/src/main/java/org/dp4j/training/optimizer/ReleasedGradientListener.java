package org.dp4j.training.optimizer;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Hears every step's released gradient: the noisy clipped sum divided by the expected batch size,
 * the value the wrapped updater (SGD, Adam, ...) receives. A white-box privacy audit reads it
 * (Steinke, Nasr &amp; Jagielski 2023, "Privacy Auditing with One (1) Training Run", gradient
 * canaries scored by their inner product with it, summed over the steps): the updater is nonlinear,
 * so the parameter update is the wrong signal.
 *
 * <p><b>Privacy.</b> The gradient is released by the step (its event is charged before the updater
 * sees it), so reading it is post-processing and costs no privacy. The listener is called once per
 * completed step, after the update was applied and checked, with a copy it may keep; it is not
 * called for a step that was refused or diverged.
 */
@FunctionalInterface
public interface ReleasedGradientListener {

  /**
   * Step {@code step} completed and released {@code noisyGradient}.
   *
   * @param step the step's number, from 1
   * @param noisyGradient a copy of the step's noisy gradient (noisy clipped sum divided by the
   *     expected batch size), shaped and typed as the parameters
   */
  void released(long step, INDArray noisyGradient);

  /** {@return the listener that does nothing} */
  static ReleasedGradientListener none() {
    return (step, noisyGradient) -> {};
  }
}

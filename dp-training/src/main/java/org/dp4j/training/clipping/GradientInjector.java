package org.dp4j.training.clipping;

import java.util.Optional;

/**
 * A hook that adds per-example gradients to a DP-SGD step before clipping: the place where an
 * auditing feature injects canary gradients (Steinke, Nasr &amp; Jagielski 2023, "Privacy Auditing
 * with One (1) Training Run", white-box gradient canaries). The optimizer calls it once per step,
 * before clipping; the returned gradients are clipped by the step's clipper, exactly as the batch's
 * examples are, and added to the batch's clipped sum and counts. The default, {@link #none()}, adds
 * nothing.
 *
 * <p><b>Privacy.</b> The hook is given the step number and the parameter count, never the batch:
 * gradients derived from the batch's examples could raise one example's influence on the sum beyond
 * the clip norm. Each injected gradient is clipped, so the sum's sensitivity is unchanged; canaries
 * must be chosen independently of the training data.
 */
@FunctionalInterface
public interface GradientInjector {

  /**
   * The gradients to add to step {@code step}.
   *
   * @param step the number of the step about to be clipped, from 1
   * @param parameterCount the per-example parameter count {@code P} the gradients must have
   * @return the extra per-example gradients, or empty for none
   */
  Optional<ClippableGradients> inject(long step, long parameterCount);

  /** {@return the hook that adds nothing} */
  static GradientInjector none() {
    return (step, parameterCount) -> Optional.empty();
  }
}

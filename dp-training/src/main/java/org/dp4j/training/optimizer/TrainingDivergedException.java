package org.dp4j.training.optimizer;

/**
 * DP-SGD stopped because a step produced non-finite values (NaN or infinity): the noisy update had
 * non-finite entries, or applying it made a parameter non-finite. Typical causes are a clip norm or
 * noise so large that the noise overflows the parameters' floating-point type, or a learning rate
 * that makes the updates grow without bound.
 *
 * <p>The check looks only at values the step has already released and paid for (the noisy update
 * and the parameters), so it is post-processing and costs no privacy. The step that diverged was
 * charged to the filter before the check, like every step; the optimizer then refuses every later
 * step with {@link IllegalStateException}, so nothing more is spent. When the update itself was
 * non-finite it is not applied, and the parameters stay those after the previous step ({@link
 * #parametersChanged()} is false).
 *
 * <p>The batch loss is not checked: it is computed from private data without noise, so stopping on
 * it would release information that was not paid for.
 */
public final class TrainingDivergedException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The number of the step that diverged, from 1. */
  private final long step;

  /** How many entries were NaN or infinite. */
  private final long nonFiniteCount;

  /** Whether the parameters were updated by the diverged step. */
  private final boolean parametersChanged;

  /**
   * @param step the number of the step that diverged, from 1
   * @param nonFiniteCount how many entries were NaN or infinite
   * @param parametersChanged whether the parameters were updated (and now hold the non-finite
   *     entries) or left as after the previous step
   */
  public TrainingDivergedException(long step, long nonFiniteCount, boolean parametersChanged) {
    super(
        "training diverged at step "
            + step
            + ": "
            + (parametersChanged
                ? nonFiniteCount + " parameter(s) became NaN or infinite"
                : "the noisy update has "
                    + nonFiniteCount
                    + " NaN or infinite entries (not applied;"
                    + " the parameters are those after step "
                    + (step - 1)
                    + ")"));
    this.step = step;
    this.nonFiniteCount = nonFiniteCount;
    this.parametersChanged = parametersChanged;
  }

  /** {@return the number of the step that diverged (it was charged to the filter)} */
  public long step() {
    return step;
  }

  /** {@return how many entries were NaN or infinite} */
  public long nonFiniteCount() {
    return nonFiniteCount;
  }

  /**
   * {@return whether the parameters were updated by the diverged step (and hold non-finite
   * entries)}
   */
  public boolean parametersChanged() {
    return parametersChanged;
  }
}

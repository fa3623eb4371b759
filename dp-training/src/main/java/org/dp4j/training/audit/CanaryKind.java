package org.dp4j.training.audit;

/** The two kinds of canaries a one-run audit inserts. */
public enum CanaryKind {
  /**
   * Examples in input space (mislabelled or out of distribution), trained on like any example and
   * scored by their loss on the final model: the black-box setting, which needs nothing but the
   * model.
   */
  INPUT,
  /**
   * Gradients injected before clipping, each a fixed direction with a norm far above the clip norm,
   * scored by the inner product of every step's released noisy gradient with that direction, summed
   * over the steps: the white-box setting, the strongest one-run audit of DP-SGD.
   */
  GRADIENT
}

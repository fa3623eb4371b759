package org.dp4j.training.clipping;

/**
 * What a clipper does with an example whose gradient holds NaN or an infinity (in any block).
 *
 * <p>Either way such an example can never poison the clipped sum, and the count is reported in
 * {@link ClippedSum#nonFiniteCount()}.
 */
public enum NonFiniteGradientPolicy {
  /**
   * The example contributes nothing: its whole gradient (every block) is skipped, as if it were
   * zero. Privacy is unaffected: whether an example is skipped depends on that example alone, and a
   * zero contribution is within every clip norm. The default.
   */
  SKIP_EXAMPLE,
  /**
   * The whole batch is refused with an {@link IllegalArgumentException} naming the first such
   * example; nothing is summed. Use it while debugging a model.
   */
  REJECT_BATCH
}

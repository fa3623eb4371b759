package org.dp4j.dl4j.gradients;

import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The batch-size check every per-example clipping method starts with. */
final class BatchSize {

  private BatchSize() {}

  /**
   * The leading dimension {@code B} of a batch, after checking that features and labels are not
   * null, share it, and that it fits in an {@code int}.
   *
   * @throws IllegalArgumentException naming the argument, the rule and the value
   */
  static int of(INDArray features, INDArray labels) {
    Checks.notNull("features", features);
    Checks.notNull("labels", labels);
    Checks.require(
        labels.size(0) == features.size(0),
        "labels.size(0)",
        "equal to features.size(0) " + features.size(0),
        labels.size(0));
    Checks.require(
        features.size(0) <= Integer.MAX_VALUE,
        "features.size(0)",
        "at most " + Integer.MAX_VALUE,
        features.size(0));
    return (int) features.size(0);
  }
}

package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One batch as the engines read it: features and labels with their optional masks, checked on
 * construction.
 *
 * @param features the features, leading dimension {@code B}
 * @param labels the labels, leading dimension {@code B}
 * @param featuresMask the per-time-step features mask {@code [B, T]} (1 present, 0 padding), or
 *     null
 * @param labelsMask the labels mask ({@code [B, T]} for sequence outputs, {@code [B, 1]} or the
 *     labels' shape as DL4J's loss functions take it), or null
 */
record Batch(INDArray features, INDArray labels, INDArray featuresMask, INDArray labelsMask) {

  /**
   * @throws IllegalArgumentException when features or labels are null, the leading dimensions
   *     differ, or a mask's leading dimension is not {@code B}
   */
  Batch {
    int size = BatchSize.of(features, labels);
    requireRows("featuresMask", featuresMask, size);
    requireRows("labelsMask", labelsMask, size);
  }

  /** {@return the number of examples {@code B}} */
  int size() {
    return (int) features.size(0);
  }

  private static void requireRows(String name, INDArray mask, int size) {
    if (mask != null) {
      Checks.require(
          mask.rank() >= 2 && mask.size(0) == size,
          name + ".shape()",
          "[" + size + ", ...] (one row per example)",
          Arrays.toString(mask.shape()));
    }
  }
}

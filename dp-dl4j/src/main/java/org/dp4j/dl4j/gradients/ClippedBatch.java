package org.dp4j.dl4j.gradients;

import org.dp4j.core.internal.Checks;
import org.dp4j.training.clipping.ClippedSum;

/**
 * A clipped batch and its mean loss.
 *
 * @param clippedSum the sum of the clipped per-example gradients, in {@code params()} order
 * @param meanLoss the mean per-example loss of the batch before the update (NaN for an empty
 *     batch). It is computed from the private batch and is <b>not</b> differentially private: show
 *     it to the data holder only, never release it.
 */
public record ClippedBatch(ClippedSum clippedSum, double meanLoss) {

  /** Checks that the sum is present. */
  public ClippedBatch {
    Checks.notNull("clippedSum", clippedSum);
  }
}

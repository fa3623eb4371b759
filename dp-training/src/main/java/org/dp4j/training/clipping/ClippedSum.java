package org.dp4j.training.clipping;

import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of clipping a batch: the <em>sum</em> (not the mean) of the clipped per-example
 * gradients, with its L2 sensitivity and counts.
 *
 * @param sum the clipped sum as a {@code FLOAT} row vector {@code [1, P]}, the blocks concatenated
 *     in order; owned by the caller
 * @param l2Sensitivity the L2 sensitivity of {@code sum} under adding or removing one example: the
 *     largest L2 norm any one example's clipped contribution can have (the clip norm for flat
 *     clipping, {@code sqrt(sum C_k^2)} for per-layer clipping); finite and positive
 * @param batchSize the number of examples {@code B} in the batch, {@code >= 0}
 * @param clippedCount examples that were scaled down (their norm exceeded the clip norm)
 * @param withinNormCount finite examples left unchanged (norm at most the clip norm, every block
 *     for per-layer clipping); the statistic adaptive clipping estimates
 * @param nonFiniteCount examples with a NaN or infinite entry, skipped (see {@link
 *     NonFiniteGradientPolicy})
 */
public record ClippedSum(
    INDArray sum,
    double l2Sensitivity,
    int batchSize,
    int clippedCount,
    int withinNormCount,
    int nonFiniteCount) {

  /** Validates the counts: they are non-negative and add up to {@code batchSize}. */
  public ClippedSum {
    Checks.notNull("sum", sum);
    Checks.positiveFinite("l2Sensitivity", l2Sensitivity);
    Checks.nonNegative("batchSize", batchSize);
    Checks.nonNegative("clippedCount", clippedCount);
    Checks.nonNegative("withinNormCount", withinNormCount);
    Checks.nonNegative("nonFiniteCount", nonFiniteCount);
    Checks.require(
        (long) clippedCount + withinNormCount + nonFiniteCount == batchSize,
        "clippedCount + withinNormCount + nonFiniteCount",
        "equal to batchSize " + batchSize,
        (long) clippedCount + withinNormCount + nonFiniteCount);
  }
}

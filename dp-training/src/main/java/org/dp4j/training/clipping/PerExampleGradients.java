package org.dp4j.training.clipping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The per-example gradients of one batch: one or more <em>blocks</em>, each an {@link INDArray}
 * whose leading dimension is the batch. Block {@code k} has shape {@code [B, d1, d2, ...]}; its
 * per-example part {@code [d1, d2, ...]} is flattened in {@code 'c'} order, and the blocks are
 * concatenated in order into one per-example vector of length {@link #parameterCount()}.
 *
 * <p>Use {@link #ofMatrix(INDArray)} for one flattened {@code [B, P]} matrix and {@link
 * #ofBlocks(List)} for one block per parameter (layer); per-layer clipping clips each block to its
 * own norm. A batch may be empty ({@code B = 0}): its clipped sum is zero.
 *
 * <p>This is a thin, validated view: the arrays are not copied, and clipping never modifies them.
 * Changing them after construction changes what a clipper reads. Any data type and layout is
 * accepted; {@code FLOAT} arrays in {@code 'c'} order with default strides take the fast path,
 * everything else is copied to that form first.
 *
 * <p>As {@link ClippableGradients}: {@link #squaredNorms()} and {@link #weightedSum(float[])} run
 * the two passes of dp4j's clip-and-sum kernel separately; {@link FlatClipper} and {@link
 * PerLayerClipper} run them together.
 */
public final class PerExampleGradients implements ClippableGradients {

  private final List<INDArray> blocks;
  private final int batchSize;
  private final long[] blockParameterCounts;
  private final long parameterCount;

  private PerExampleGradients(List<INDArray> blocks) {
    Checks.noNulls("blocks", blocks);
    Checks.require(!blocks.isEmpty(), "blocks", "non-empty", blocks.size() + " blocks");
    long batch = -1;
    long[] counts = new long[blocks.size()];
    long total = 0;
    for (int k = 0; k < blocks.size(); k++) {
      INDArray block = blocks.get(k);
      String name = "blocks[" + k + "]";
      Checks.require(
          block.rank() >= 2,
          name + ".rank",
          ">= 2 (a leading batch dimension and at " + "least one parameter dimension)",
          block.rank() + " (shape " + Arrays.toString(block.shape()) + ")");
      long b = block.size(0);
      if (batch < 0) {
        batch = b;
      }
      Checks.require(
          b == batch, name + ".size(0)", "equal to the batch size " + batch + " of blocks[0]", b);
      Checks.require(
          block.dataType().isFPType(),
          name + ".dataType",
          "a floating-point type",
          block.dataType());
      long perExample = 1;
      for (int d = 1; d < block.rank(); d++) {
        perExample = Math.multiplyExact(perExample, block.size(d));
      }
      Checks.require(perExample > 0, name + " per-example size", "positive", perExample);
      Checks.require(
          Math.multiplyExact(Math.max(b, 1), perExample) <= Integer.MAX_VALUE,
          name + ".length()",
          "at most " + Integer.MAX_VALUE + " elements",
          block.length());
      counts[k] = perExample;
      total = Math.addExact(total, perExample);
    }
    Checks.require(batch <= Integer.MAX_VALUE, "batchSize", "at most " + Integer.MAX_VALUE, batch);
    this.blocks = Collections.unmodifiableList(new ArrayList<>(blocks));
    this.batchSize = (int) batch;
    this.blockParameterCounts = counts;
    this.parameterCount = total;
  }

  /**
   * One flattened per-example matrix.
   *
   * @param matrix shape {@code [B, P]} (or higher rank, flattened per example), floating point
   * @return the gradients
   * @throws IllegalArgumentException when the rank is below 2 or the data type not floating point
   */
  public static PerExampleGradients ofMatrix(INDArray matrix) {
    Checks.notNull("matrix", matrix);
    return new PerExampleGradients(List.of(matrix));
  }

  /**
   * One block per parameter (or layer), all with the same leading batch size.
   *
   * @param blocks non-empty, no nulls, each of rank {@code >= 2}
   * @return the gradients
   * @throws IllegalArgumentException on mismatched batch sizes, rank below 2 or a non-floating type
   */
  public static PerExampleGradients ofBlocks(List<INDArray> blocks) {
    return new PerExampleGradients(blocks);
  }

  /**
   * As {@link #ofBlocks(List)}.
   *
   * @param blocks non-empty, no nulls, each of rank {@code >= 2}
   * @return the gradients
   * @throws IllegalArgumentException on mismatched batch sizes, rank below 2 or a non-floating type
   */
  public static PerExampleGradients ofBlocks(INDArray... blocks) {
    Checks.notNull("blocks", blocks);
    return new PerExampleGradients(Arrays.asList(blocks));
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  /** {@return the number of blocks} */
  public int blockCount() {
    return blocks.size();
  }

  /**
   * Block {@code k} as given.
   *
   * @param k in {@code [0, blockCount())}
   * @return the block, not copied
   */
  public INDArray block(int k) {
    return blocks.get(k);
  }

  /**
   * The per-example parameter count of block {@code k}.
   *
   * @param k in {@code [0, blockCount())}
   * @return the product of the block's dimensions after the batch dimension
   */
  public long blockParameterCount(int k) {
    return blockParameterCounts[k];
  }

  /** The per-example parameter count {@code P} over all blocks. */
  @Override
  public long parameterCount() {
    return parameterCount;
  }

  /** Every example's squared norm over all blocks, squares of floats summed in double. */
  @Override
  public double[] squaredNorms() {
    return ClipSumKernel.squaredNorms(this);
  }

  /** {@code P + blockCount()}: one rounding per addition, plus one per block sum. */
  @Override
  public long squaredNormRoundingTerms() {
    return parameterCount + blocks.size();
  }

  @Override
  public INDArray weightedSum(float[] factors) {
    Checks.notNull("factors", factors);
    Checks.require(
        factors.length == batchSize,
        "factors.length",
        "equal to the batch size " + batchSize,
        factors.length);
    return ClipSumKernel.weightedSum(this, factors);
  }
}

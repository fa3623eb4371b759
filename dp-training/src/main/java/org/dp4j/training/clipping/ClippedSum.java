package org.dp4j.training.clipping;

import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of clipping a batch: the <em>sum</em> (not the mean) of the clipped per-example
 * gradients, with its L2 sensitivity and counts. Built with {@link #builder()}, whose named setters
 * are checked together: the three counts must add up to the batch size.
 *
 * <p>The sum is a mutable {@link INDArray} owned by whoever holds this value: the optimizer adds
 * noise to it in place.
 */
public final class ClippedSum {

  private final INDArray sum;
  private final double l2Sensitivity;
  private final int batchSize;
  private final int clippedCount;
  private final int withinNormCount;
  private final int nonFiniteCount;

  private ClippedSum(Builder b) {
    Checks.require(b.sum != null, "sum", "set", "nothing");
    Checks.require(
        b.sum.rank() == 2 && b.sum.size(0) == 1,
        "sum",
        "a row vector [1, P]",
        java.util.Arrays.toString(b.sum.shape()));
    Checks.require(
        b.sum.dataType().isFPType(), "sum.dataType", "a floating-point type", b.sum.dataType());
    Checks.require(!Double.isNaN(b.l2Sensitivity), "l2Sensitivity", "set", "nothing");
    Checks.require(
        (long) b.clippedCount + b.withinNormCount + b.nonFiniteCount == b.batchSize,
        "clippedCount + withinNormCount + nonFiniteCount",
        "equal to batchSize " + b.batchSize,
        (long) b.clippedCount + b.withinNormCount + b.nonFiniteCount);
    this.sum = b.sum;
    this.l2Sensitivity = b.l2Sensitivity;
    this.batchSize = b.batchSize;
    this.clippedCount = b.clippedCount;
    this.withinNormCount = b.withinNormCount;
    this.nonFiniteCount = b.nonFiniteCount;
  }

  /** {@return a builder; every count starts at 0, the sum and the sensitivity must be set} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@return the clipped sum as a floating-point row vector {@code [1, P]}, the blocks concatenated
   * in order ({@code FLOAT} from dp4j's clippers)}
   */
  public INDArray sum() {
    return sum;
  }

  /**
   * {@return the L2 sensitivity of {@link #sum()} under adding or removing one example} It is the
   * largest L2 norm any one example's clipped contribution can have (the clip norm for flat
   * clipping, {@code sqrt(sum C_k^2)} for per-layer clipping); finite and positive.
   */
  public double l2Sensitivity() {
    return l2Sensitivity;
  }

  /** {@return the number of examples {@code B} in the batch, {@code >= 0}} */
  public int batchSize() {
    return batchSize;
  }

  /** {@return the number of examples that were scaled down (their norm exceeded the clip norm)} */
  public int clippedCount() {
    return clippedCount;
  }

  /**
   * {@return the number of finite examples left unchanged (norm at most the clip norm, every block
   * for per-layer clipping)} It is the statistic adaptive clipping estimates.
   */
  public int withinNormCount() {
    return withinNormCount;
  }

  /**
   * {@return the number of examples with a NaN or infinite entry, skipped (see {@link
   * NonFiniteGradientPolicy})}
   */
  public int nonFiniteCount() {
    return nonFiniteCount;
  }

  /**
   * This sum and {@code other}'s together, as one batch: a new sum array (neither input is changed)
   * and the counts added.
   *
   * @param other a sum of the same length and the same sensitivity
   * @return the combined sum
   * @throws IllegalArgumentException when the lengths or the sensitivities differ
   */
  public ClippedSum plus(ClippedSum other) {
    Checks.notNull("other", other);
    Checks.require(
        other.l2Sensitivity == l2Sensitivity,
        "other.l2Sensitivity()",
        "equal to " + l2Sensitivity,
        other.l2Sensitivity);
    Checks.require(
        other.sum.length() == sum.length(),
        "other.sum().length()",
        "equal to " + sum.length(),
        other.sum.length());
    return builder()
        .sum(sum.add(other.sum.castTo(sum.dataType()).reshape(sum.shape())))
        .l2Sensitivity(l2Sensitivity)
        .batchSize(Math.addExact(batchSize, other.batchSize))
        .clippedCount(Math.addExact(clippedCount, other.clippedCount))
        .withinNormCount(Math.addExact(withinNormCount, other.withinNormCount))
        .nonFiniteCount(Math.addExact(nonFiniteCount, other.nonFiniteCount))
        .build();
  }

  @Override
  public String toString() {
    return "ClippedSum[length="
        + sum.length()
        + ", l2Sensitivity="
        + l2Sensitivity
        + ", batchSize="
        + batchSize
        + ", clippedCount="
        + clippedCount
        + ", withinNormCount="
        + withinNormCount
        + ", nonFiniteCount="
        + nonFiniteCount
        + "]";
  }

  /** Collects the fields by name; {@link #build()} checks them together. Not thread-safe. */
  public static final class Builder {
    private INDArray sum;
    private double l2Sensitivity = Double.NaN;
    private int batchSize;
    private int clippedCount;
    private int withinNormCount;
    private int nonFiniteCount;

    private Builder() {}

    /**
     * The clipped sum, a floating-point row vector {@code [1, P]} (not copied).
     *
     * @param sum not null
     * @return this builder
     */
    public Builder sum(INDArray sum) {
      this.sum = Checks.notNull("sum", sum);
      return this;
    }

    /**
     * The sum's L2 sensitivity, positive and finite (see {@link ClippedSum#l2Sensitivity()}).
     *
     * @param l2Sensitivity positive and finite
     * @return this builder
     */
    public Builder l2Sensitivity(double l2Sensitivity) {
      this.l2Sensitivity = Checks.positiveFinite("l2Sensitivity", l2Sensitivity);
      return this;
    }

    /**
     * The number of examples, {@code >= 0}; default 0.
     *
     * @param batchSize {@code >= 0}
     * @return this builder
     */
    public Builder batchSize(int batchSize) {
      this.batchSize = Checks.nonNegative("batchSize", batchSize);
      return this;
    }

    /**
     * Examples scaled down, {@code >= 0}; default 0.
     *
     * @param clippedCount {@code >= 0}
     * @return this builder
     */
    public Builder clippedCount(int clippedCount) {
      this.clippedCount = Checks.nonNegative("clippedCount", clippedCount);
      return this;
    }

    /**
     * Finite examples left unchanged, {@code >= 0}; default 0.
     *
     * @param withinNormCount {@code >= 0}
     * @return this builder
     */
    public Builder withinNormCount(int withinNormCount) {
      this.withinNormCount = Checks.nonNegative("withinNormCount", withinNormCount);
      return this;
    }

    /**
     * Examples skipped as non-finite, {@code >= 0}; default 0.
     *
     * @param nonFiniteCount {@code >= 0}
     * @return this builder
     */
    public Builder nonFiniteCount(int nonFiniteCount) {
      this.nonFiniteCount = Checks.nonNegative("nonFiniteCount", nonFiniteCount);
      return this;
    }

    /**
     * Checks the fields together.
     *
     * @return the clipped sum
     * @throws IllegalArgumentException when the sum or the sensitivity is missing, the sum is not a
     *     floating-point row vector, or the counts do not add up to the batch size
     */
    public ClippedSum build() {
      return new ClippedSum(this);
    }
  }
}

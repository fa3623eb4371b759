package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-example gradients of a weight applied at every time step of a sequence, {@code z_{i,t} =
 * a_{i,t} W + b}: example {@code i}'s weight gradient is {@code G_i = A_i^T D_i = sum_t a_{i,t}^T
 * delta_{i,t}} ({@code A_i} its {@code [T, in]} inputs, {@code D_i} its {@code [T, out]}
 * pre-activation gradients) and its bias gradient {@code sum_t delta_{i,t}}. The building block of
 * every rule whose layer maps each time step with shared parameters: dense layers per time step,
 * recurrent input and recurrent weights, embeddings of sequences, attention projections and
 * one-dimensional convolutions (on unfolded inputs).
 *
 * <p><b>Norms.</b> Two exact ways to get {@code ||G_i||_F^2}, picked by shapes ({@link #choice}):
 * the ghost norm over time {@code <A_i A_i^T, D_i D_i^T>_F} (Goodfellow 2015, "Efficient
 * per-example gradient computations"; Li et al. 2022, "Large language models can be strong
 * differentially private learners", section 4), which costs {@code O(T^2 (in + out))} per example
 * and never forms {@code G_i}; and the layerwise norm of {@code G_i} formed by a batched product,
 * {@code O(T in out)} with {@code in x out} memory per example. Ghost is cheaper when {@code 2 T^2
 * < in out} (the rule of Li et al. 2022, and the per-layer choice of the mixed ghost clipping of
 * Bu, Mao and Xu, NeurIPS 2022, "Scalable and efficient training of large convolutional neural
 * networks with differential privacy"). The Gram matrices are computed in double: their terms can
 * cancel, and the clipper's error bound assumes a squared norm accurate to double rounding.
 *
 * <p><b>Clipped sums.</b> {@code sum_i c_i G_i = (C A)^T D} with {@code A}, {@code D} the {@code [B
 * T, in]} and {@code [B T, out]} stacks and {@code C} repeating {@code c_i} over example {@code
 * i}'s rows: one matrix product, like the non-private gradient. The inputs are never modified (a
 * layer may share its deltas between several weights, as an LSTM's input and recurrent weights do).
 *
 * <p>Masked time steps must already have zero rows in {@code delta}: they then contribute nothing.
 * Stateless.
 */
final class SequenceAffine {

  /** How {@link #addSquaredNorms} computes the norms. */
  enum Choice {
    /** The ghost norm over time, from the {@code T x T} Gram matrices of inputs and deltas. */
    GHOST,
    /** The Frobenius norm of each example's {@code in x out} gradient, formed in memory. */
    LAYERWISE
  }

  private SequenceAffine() {}

  /**
   * The cheaper exact norm for {@code steps} time steps of an {@code in x out} weight: {@link
   * Choice#GHOST} when {@code 2 steps^2 < in out}, else {@link Choice#LAYERWISE}.
   */
  static Choice choice(long steps, long in, long out) {
    return 2.0 * steps * steps < (double) in * out ? Choice.GHOST : Choice.LAYERWISE;
  }

  /**
   * Adds {@code ||A_i^T D_i||_F^2} (plus {@code ||sum_t D_i[t]||^2} when {@code bias}) to {@code
   * squaredNorms[i]}, by {@link #choice}. NaN or infinite for an example whose inputs or deltas are
   * not finite.
   *
   * @param a the inputs {@code [B, T, in]}; not modified
   * @param delta the pre-activation gradients {@code [B, T, out]}; not modified
   * @param bias whether the map has a bias
   * @param squaredNorms {@code B} running sums
   */
  static void addSquaredNorms(INDArray a, INDArray delta, boolean bias, double[] squaredNorms) {
    addSquaredNorms(a, delta, bias, choice(a.size(1), a.size(2), delta.size(2)), squaredNorms);
  }

  /** As {@link #addSquaredNorms(INDArray, INDArray, boolean, double[])} by the given method. */
  static void addSquaredNorms(
      INDArray a, INDArray delta, boolean bias, Choice choice, double[] squaredNorms) {
    int batch = checkShapes(a, delta);
    Checks.require(
        squaredNorms.length == batch,
        "squaredNorms.length",
        "equal to the batch size " + batch,
        squaredNorms.length);
    long steps = a.size(1);
    double[] weight;
    if (steps == 0) {
      weight = new double[batch];
    } else if (choice == Choice.GHOST) {
      INDArray ad = a.castTo(DataType.DOUBLE);
      INDArray dd = delta.castTo(DataType.DOUBLE);
      INDArray gramA = Nd4j.matmul(ad, ad, false, true, false);
      INDArray gramD = Nd4j.matmul(dd, dd, false, true, false);
      weight = gramA.muli(gramD).reshape(batch, steps * steps).sum(1).toDoubleVector();
    } else {
      INDArray perExample = Nd4j.matmul(a, delta, true, false, false);
      weight = RowNorms.squared(perExample.reshape('c', batch, a.size(2) * delta.size(2)));
    }
    double[] biasTerm = bias ? RowNorms.squared(delta.sum(1)) : null;
    for (int i = 0; i < batch; i++) {
      squaredNorms[i] += weight[i] + (bias ? biasTerm[i] : 0.0);
    }
  }

  /**
   * Adds {@code sum_i c_i A_i^T D_i} into {@code weightBlock} and {@code sum_i c_i sum_t D_i[t]}
   * into {@code biasBlock}. An example with factor 0 contributes exactly zero, even when its arrays
   * are not finite.
   *
   * @param a the inputs {@code [B, T, in]}; not modified
   * @param delta the pre-activation gradients {@code [B, T, out]}; not modified
   * @param clip the clip factors
   * @param weightBlock the {@code FLOAT} {@code [in, out]} view of the clipped sum where the weight
   *     lies (overwritten, not added to)
   * @param biasBlock the {@code FLOAT} view of length {@code out} where the bias lies
   *     (overwritten), or null when the map has no bias
   * @return the number of parameters written
   */
  static long addClippedSum(
      INDArray a, INDArray delta, ClipFactors clip, INDArray weightBlock, INDArray biasBlock) {
    int batch = checkShapes(a, delta);
    Checks.require(
        clip.factors().length == batch,
        "clip factors",
        "one per example (" + batch + ")",
        clip.factors().length);
    long steps = a.size(1);
    long in = a.size(2);
    long out = delta.size(2);
    DataType type = a.dataType();
    INDArray scaledA = a.reshape('c', batch, steps * in).dup('c');
    INDArray d = delta;
    if (clip.anySkipped()) {
      d = delta.reshape('c', batch, steps * out).dup('c');
      clip.zeroSkippedRows(scaledA);
      clip.zeroSkippedRows(d);
    }
    scaledA.muliColumnVector(clip.column(type));
    INDArray rowsA = scaledA.reshape('c', (long) batch * steps, in);
    INDArray rowsD = d.reshape('c', (long) batch * steps, out);
    if (type == DataType.FLOAT && weightBlock.ordering() == 'f') {
      Nd4j.gemm(rowsA, rowsD, weightBlock, true, false, 1.0, 0.0);
    } else {
      weightBlock.assign(Nd4j.gemm(rowsA, rowsD, true, false).castTo(DataType.FLOAT));
    }
    long written = in * out;
    if (biasBlock != null) {
      // sum_i c_i sum_t D_i[t]: the scaled column sums over every example's steps.
      INDArray scaledD = rowsD.reshape('c', batch, steps * out).mulColumnVector(clip.column(type));
      biasBlock.assign(
          scaledD.reshape('c', (long) batch * steps, out).sum(0).castTo(DataType.FLOAT));
      written += out;
    }
    return written;
  }

  /** {@link #addClippedSum} with every factor 1: the plain gradient sum. */
  static long addGradientSum(INDArray a, INDArray delta, INDArray weightBlock, INDArray biasBlock) {
    return addClippedSum(a, delta, ClipFactors.unclipped((int) a.size(0)), weightBlock, biasBlock);
  }

  private static int checkShapes(INDArray a, INDArray delta) {
    Checks.require(
        a.rank() == 3
            && delta.rank() == 3
            && a.size(0) == delta.size(0)
            && a.size(1) == delta.size(1),
        "the inputs and deltas of a per-time-step map",
        "[B, T, in] and [B, T, out] with the same B and T",
        Arrays.toString(a.shape()) + " and " + Arrays.toString(delta.shape()));
    Checks.require(
        a.size(0) <= Integer.MAX_VALUE,
        "the batch size",
        "at most " + Integer.MAX_VALUE,
        a.size(0));
    return (int) a.size(0);
  }
}

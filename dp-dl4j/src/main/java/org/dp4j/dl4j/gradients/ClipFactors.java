package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The per-example factors {@code c_i} that dp-training's flat clipper chose for a batch (its one
 * rule: error-inflated norm, slack {@code 1 - 2^-20}, factor 0 for a skipped non-finite example),
 * as the layer rules apply them when they write {@code sum_i c_i g_i}. An example whose factor is 0
 * must contribute exactly zero: its rows are zeroed before any product, since {@code 0 * NaN} is
 * NaN.
 *
 * @param factors one factor per example, in {@code [0, 1]}; not modified
 */
record ClipFactors(float[] factors) {

  /** Whether some example has factor 0 (skipped as non-finite, or scaled to nothing). */
  boolean anySkipped() {
    for (float f : factors) {
      if (f == 0f) {
        return true;
      }
    }
    return false;
  }

  /** Factor 1 for each of {@code batch} examples: the plain, unclipped sum. */
  static ClipFactors unclipped(int batch) {
    float[] ones = new float[batch];
    Arrays.fill(ones, 1f);
    return new ClipFactors(ones);
  }

  /** The factors as a {@code [B, 1]} column of {@code type}. */
  INDArray column(DataType type) {
    return Nd4j.createFromArray(factors).reshape(factors.length, 1).castTo(type);
  }

  /**
   * Zeroes row {@code i} of {@code rows} for every example with factor 0, so that it contributes
   * exactly zero. Does nothing when none has.
   */
  void zeroSkippedRows(INDArray rows) {
    if (!anySkipped()) {
      return;
    }
    for (int i = 0; i < factors.length; i++) {
      if (factors[i] == 0f) {
        rows.getRow(i).assign(0);
      }
    }
  }

  /** The square roots of {@code squaredNorms}: the per-example gradient L2 norms. */
  static double[] norms(double[] squaredNorms) {
    double[] norms = new double[squaredNorms.length];
    for (int i = 0; i < norms.length; i++) {
      norms[i] = Math.sqrt(squaredNorms[i]);
    }
    return norms;
  }
}

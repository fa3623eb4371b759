package org.dp4j.training.clipping;

import java.nio.FloatBuffer;
import org.dp4j.training.internal.ClipRule;
import org.dp4j.training.internal.HostArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The clip-and-sum hot path over host buffers, shared by the flat and per-layer clippers.
 *
 * <p>Two read passes over the per-example data, both with plain Java loops on small heap chunks
 * (bulk-copied from the direct buffer so the JIT can vectorise them): pass 1 computes every row's
 * squared norm per block in {@code double}; pass 2 walks column tiles and accumulates {@code
 * factor_i * row_i} into a tile-sized float accumulator that stays in cache, so the output is
 * written once. ND4J's {@code sum(0)} is avoided on purpose (several times slower on wide
 * matrices).
 *
 * <h2>Pessimistic rounding</h2>
 *
 * Squares of floats are exact in double, and any order of summing {@code n} non-negative doubles
 * has relative error at most {@code (n - 1) u} with {@code u = 2^-53} (Higham 2002, "Accuracy and
 * Stability of Numerical Algorithms", §4.2). The norm used for clipping is therefore inflated to
 * {@link ClipRule#normUpperBound(double, long)}, and a clipped row is scaled by {@code C /
 * normUpper * (1 - 2^-20)}, which absorbs the rounding of the division, of the float conversion of
 * the factor and of each float product ({@code 2^-24} each); the rule is {@link ClipRule}, shared
 * with dp-dl4j. So every clipped contribution has L2 norm strictly below {@code C}, and rows inside
 * the ball (by the upper bound) use factor 1 and are unchanged.
 */
final class ClipSumKernel {

  /** Floats per chunk and per column tile: 16 KiB, so a chunk and a tile fit in L1 together. */
  static final int TILE = 4096;

  private ClipSumKernel() {}

  /** One block's host data: row {@code i} starts at {@code base + i * rowLength}. */
  private record HostBlock(FloatBuffer buffer, int base, int rowLength) {}

  /**
   * Clips and sums.
   *
   * @param gradients the batch
   * @param clipNorms one clip norm (flat) or one per block (per layer)
   * @param policy non-finite policy
   * @param sensitivity the L2 sensitivity to report
   */
  static ClippedSum clipAndSum(
      PerExampleGradients gradients,
      double[] clipNorms,
      NonFiniteGradientPolicy policy,
      double sensitivity) {
    int batch = gradients.batchSize();
    int blocks = gradients.blockCount();
    boolean flat = clipNorms.length == 1;
    long total = gradients.parameterCount();
    int totalInt = Math.toIntExact(total);
    INDArray sum = Nd4j.create(DataType.FLOAT, 1, total);
    if (batch == 0) {
      return new ClippedSum(sum, sensitivity, 0, 0, 0, 0);
    }
    HostBlock[] host = new HostBlock[blocks];
    for (int k = 0; k < blocks; k++) {
      INDArray block = HostArrays.hostContiguousFloat(gradients.block(k));
      host[k] =
          new HostBlock(
              HostArrays.floatBuffer(block),
              HostArrays.offset(block),
              Math.toIntExact(gradients.blockParameterCount(k)));
    }
    float[] chunk = new float[TILE];

    // Pass 1: squared norms per block and row.
    double[][] sumSq = new double[blocks][batch];
    for (int k = 0; k < blocks; k++) {
      HostBlock hb = host[k];
      for (int i = 0; i < batch; i++) {
        sumSq[k][i] = squaredNorm(hb.buffer, hb.base + i * hb.rowLength, hb.rowLength, chunk);
      }
    }

    // Factors, counts and the non-finite policy.
    float[][] factors = new float[flat ? 1 : blocks][batch];
    boolean[] skip = new boolean[batch];
    int clipped = 0;
    int within = 0;
    int nonFinite = 0;
    for (int i = 0; i < batch; i++) {
      double rowSumSq = 0;
      for (int k = 0; k < blocks; k++) {
        rowSumSq += sumSq[k][i];
      }
      if (!Double.isFinite(rowSumSq)) {
        if (policy == NonFiniteGradientPolicy.REJECT_BATCH) {
          throw new IllegalArgumentException(
              "gradients of example "
                  + i
                  + " must be finite (policy REJECT_BATCH), got a NaN or infinite entry");
        }
        skip[i] = true;
        nonFinite++;
        continue;
      }
      boolean anyClipped = false;
      if (flat) {
        float f = ClipRule.factor(ClipRule.normUpperBound(rowSumSq, total + blocks), clipNorms[0]);
        factors[0][i] = f;
        anyClipped = f != 1.0f;
      } else {
        for (int k = 0; k < blocks; k++) {
          float f =
              ClipRule.factor(
                  ClipRule.normUpperBound(sumSq[k][i], host[k].rowLength), clipNorms[k]);
          factors[k][i] = f;
          anyClipped |= f != 1.0f;
        }
      }
      if (anyClipped) {
        clipped++;
      } else {
        within++;
      }
    }

    // Pass 2: column tiles, accumulated over rows.
    FloatBuffer out = sum.data().asNioFloat();
    int outBase = Math.toIntExact(sum.offset());
    float[] acc = new float[TILE];
    int column = 0;
    for (int k = 0; k < blocks; k++) {
      HostBlock hb = host[k];
      float[] f = factors[flat ? 0 : k];
      for (int j0 = 0; j0 < hb.rowLength; j0 += TILE) {
        int n = Math.min(TILE, hb.rowLength - j0);
        java.util.Arrays.fill(acc, 0, n, 0f);
        for (int i = 0; i < batch; i++) {
          if (skip[i]) {
            continue;
          }
          hb.buffer.get(hb.base + i * hb.rowLength + j0, chunk, 0, n);
          float fi = f[i];
          if (fi == 1.0f) {
            for (int j = 0; j < n; j++) {
              acc[j] += chunk[j];
            }
          } else {
            for (int j = 0; j < n; j++) {
              acc[j] += fi * chunk[j];
            }
          }
        }
        out.put(outBase + column + j0, acc, 0, n);
      }
      column += hb.rowLength;
    }
    assert column == totalInt;
    return new ClippedSum(sum, sensitivity, batch, clipped, within, nonFinite);
  }

  /** Sum of squares of {@code length} floats from {@code start}, in double. */
  static double squaredNorm(FloatBuffer buffer, int start, int length, float[] chunk) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    for (int j0 = 0; j0 < length; j0 += chunk.length) {
      int n = Math.min(chunk.length, length - j0);
      buffer.get(start + j0, chunk, 0, n);
      int j = 0;
      for (; j + 3 < n; j += 4) {
        double a = chunk[j];
        double b = chunk[j + 1];
        double c = chunk[j + 2];
        double d = chunk[j + 3];
        s0 += a * a;
        s1 += b * b;
        s2 += c * c;
        s3 += d * d;
      }
      for (; j < n; j++) {
        double a = chunk[j];
        s0 += a * a;
      }
    }
    return (s0 + s1) + (s2 + s3);
  }
}

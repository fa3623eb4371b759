package org.dp4j.training.clipping;

import java.nio.FloatBuffer;
import java.util.Arrays;
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
 * the factor and of each float product ({@code 2^-24} each); flat factors come from {@link
 * FlatFactors}, the rule every flat clipper uses. So every clipped contribution has L2 norm
 * strictly below {@code C}, and rows inside the ball (by the upper bound) use factor 1 and are
 * unchanged.
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
    if (batch == 0) {
      return ClippedSum.builder()
          .sum(Nd4j.create(DataType.FLOAT, 1, gradients.parameterCount()))
          .l2Sensitivity(sensitivity)
          .build();
    }
    HostBlock[] host = hostBlocks(gradients);
    double[][] sumSq = blockSquaredNorms(host, batch);
    double[] rowSumSq = rowSums(sumSq, batch);

    // Factors, counts and the non-finite policy.
    float[][] factors;
    int clipped = 0;
    int within = 0;
    int nonFinite = 0;
    if (clipNorms.length == 1) {
      FlatFactors flat =
          FlatFactors.of(rowSumSq, gradients.parameterCount() + blocks, clipNorms[0], policy);
      factors = new float[][] {flat.factors()};
      clipped = flat.clipped();
      within = flat.within();
      nonFinite = flat.nonFinite();
    } else {
      factors = new float[blocks][batch];
      for (int i = 0; i < batch; i++) {
        if (!Double.isFinite(rowSumSq[i])) {
          FlatFactors.requireSkippable(policy, i, rowSumSq[i]);
          nonFinite++;
          continue; // factor 0 in every block
        }
        boolean anyClipped = false;
        for (int k = 0; k < blocks; k++) {
          float f =
              ClipRule.factor(
                  ClipRule.normUpperBound(sumSq[k][i], host[k].rowLength), clipNorms[k]);
          factors[k][i] = f;
          anyClipped |= f != 1.0f;
        }
        if (anyClipped) {
          clipped++;
        } else {
          within++;
        }
      }
    }
    return ClippedSum.builder()
        .sum(weightedSum(host, factors, gradients.parameterCount()))
        .l2Sensitivity(sensitivity)
        .batchSize(batch)
        .clippedCount(clipped)
        .withinNormCount(within)
        .nonFiniteCount(nonFinite)
        .build();
  }

  /** Every row's squared norm over all blocks (pass 1 only). */
  static double[] squaredNorms(PerExampleGradients gradients) {
    int batch = gradients.batchSize();
    if (batch == 0) {
      return new double[0];
    }
    return rowSums(blockSquaredNorms(hostBlocks(gradients), batch), batch);
  }

  /** {@code sum_i factors[i] row_i} over all blocks (pass 2 only; factor 0 skips the row). */
  static INDArray weightedSum(PerExampleGradients gradients, float[] factors) {
    if (gradients.batchSize() == 0) {
      return Nd4j.create(DataType.FLOAT, 1, gradients.parameterCount());
    }
    return weightedSum(hostBlocks(gradients), new float[][] {factors}, gradients.parameterCount());
  }

  private static HostBlock[] hostBlocks(PerExampleGradients gradients) {
    HostBlock[] host = new HostBlock[gradients.blockCount()];
    for (int k = 0; k < host.length; k++) {
      INDArray block = HostArrays.hostContiguousFloat(gradients.block(k));
      host[k] =
          new HostBlock(
              HostArrays.floatBuffer(block),
              HostArrays.offset(block),
              Math.toIntExact(gradients.blockParameterCount(k)));
    }
    return host;
  }

  /** Pass 1: squared norms per block and row. */
  private static double[][] blockSquaredNorms(HostBlock[] host, int batch) {
    float[] chunk = new float[TILE];
    double[][] sumSq = new double[host.length][batch];
    for (int k = 0; k < host.length; k++) {
      HostBlock hb = host[k];
      for (int i = 0; i < batch; i++) {
        sumSq[k][i] = squaredNorm(hb.buffer, hb.base + i * hb.rowLength, hb.rowLength, chunk);
      }
    }
    return sumSq;
  }

  private static double[] rowSums(double[][] sumSq, int batch) {
    double[] rowSumSq = new double[batch];
    for (int i = 0; i < batch; i++) {
      double s = 0;
      for (double[] block : sumSq) {
        s += block[i];
      }
      rowSumSq[i] = s;
    }
    return rowSumSq;
  }

  /**
   * Pass 2: column tiles, accumulated over rows. {@code factors} holds one array for all blocks
   * (flat) or one per block; a row whose factor is 0 is skipped, so it adds exactly zero even when
   * it is not finite.
   */
  private static INDArray weightedSum(HostBlock[] host, float[][] factors, long total) {
    INDArray sum = Nd4j.create(DataType.FLOAT, 1, total);
    FloatBuffer out = sum.data().asNioFloat();
    int outBase = Math.toIntExact(sum.offset());
    float[] chunk = new float[TILE];
    float[] acc = new float[TILE];
    int column = 0;
    for (int k = 0; k < host.length; k++) {
      HostBlock hb = host[k];
      float[] f = factors[factors.length == 1 ? 0 : k];
      for (int j0 = 0; j0 < hb.rowLength; j0 += TILE) {
        int n = Math.min(TILE, hb.rowLength - j0);
        Arrays.fill(acc, 0, n, 0f);
        for (int i = 0; i < f.length; i++) {
          float fi = f[i];
          if (fi == 0f) {
            continue;
          }
          hb.buffer.get(hb.base + i * hb.rowLength + j0, chunk, 0, n);
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
    assert column == total;
    return sum;
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

package org.dp4j.dl4j.gradients;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/** Per-example (row-wise) squared L2 norms, the building block of every rule's norms. */
final class RowNorms {

  private RowNorms() {}

  /**
   * Row-wise sums of squares, accumulated in double. Host {@code FLOAT} or {@code DOUBLE} matrices
   * in {@code 'c'} order with default strides (the usual case, views included) are read straight
   * from their buffer; anything else is cast to a double copy first. A NaN or infinite entry gives
   * a NaN or infinite sum.
   */
  static double[] squared(INDArray matrix) {
    int rows = Math.toIntExact(matrix.size(0));
    int columns = Math.toIntExact(matrix.size(1));
    double[] out = new double[rows];
    if (rows == 0 || columns == 0) {
      return out;
    }
    boolean contiguous =
        Nd4j.getEnvironment().isCPU()
            && matrix.ordering() == 'c'
            && Shape.hasDefaultStridesForShape(matrix);
    if (contiguous && matrix.dataType() == DataType.FLOAT) {
      int base = Math.toIntExact(matrix.offset());
      ExampleRanges.forEach(
          rows,
          (from, to) -> {
            FloatBuffer buffer = matrix.data().asNioFloat();
            float[] row = new float[columns];
            for (int i = from; i < to; i++) {
              buffer.get(base + i * columns, row); // absolute bulk get (Java 13+)
              out[i] = sumOfSquares(row);
            }
          });
      return out;
    }
    if (contiguous && matrix.dataType() == DataType.DOUBLE) {
      DoubleBuffer buffer = matrix.data().asNioDouble();
      int base = Math.toIntExact(matrix.offset());
      double[] row = new double[columns];
      for (int i = 0; i < rows; i++) {
        buffer.get(base + i * columns, row);
        double s = 0;
        for (double v : row) {
          s += v * v;
        }
        out[i] = s;
      }
      return out;
    }
    INDArray d = matrix.castTo(DataType.DOUBLE);
    return d.mul(d).sum(1).toDoubleVector();
  }

  /**
   * {@code sum_j row[j]^2} in double, in four interleaved partial sums (independent chains the CPU
   * overlaps; the rounding-error bound of recursive summation holds for each part and so for their
   * sum).
   */
  static double sumOfSquares(float[] row) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = 0;
    for (; j + 3 < row.length; j += 4) {
      double a = row[j];
      double b = row[j + 1];
      double c = row[j + 2];
      double d = row[j + 3];
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += d * d;
    }
    for (; j < row.length; j++) {
      double a = row[j];
      s0 += a * a;
    }
    return (s0 + s1) + (s2 + s3);
  }
}

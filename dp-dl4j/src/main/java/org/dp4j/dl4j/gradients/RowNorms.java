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
   * Row-wise sums of squares, accumulated in double. Host {@code 'c'}-contiguous {@code FLOAT} or
   * {@code DOUBLE} matrices (the usual case) are read straight from their buffer; anything else is
   * cast to a double copy first. A NaN or infinite entry gives a NaN or infinite sum.
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
            && Shape.hasDefaultStridesForShape(matrix)
            && !matrix.isView();
    if (contiguous && matrix.dataType() == DataType.FLOAT) {
      FloatBuffer buffer = matrix.data().asNioFloat();
      int base = Math.toIntExact(matrix.offset());
      float[] row = new float[columns];
      for (int i = 0; i < rows; i++) {
        buffer.get(base + i * columns, row); // absolute bulk get (Java 13+)
        double s = 0;
        for (float v : row) {
          s += (double) v * v;
        }
        out[i] = s;
      }
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
}

package org.dp4j.dl4j.gradients;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Host access to {@code FLOAT} ND4J arrays for the rules' Java loops (im2col, pooling, tanh):
 * an array in {@code 'c'} order with default strides is one run of its buffer from its offset,
 * which bulk {@code get}/{@code put} calls copy to and from {@code float[]} chunks.
 */
final class HostFloats {

  private HostFloats() {}

  /** Whether ND4J runs on the host, so that buffers can be read directly. */
  static boolean onHost() {
    return Nd4j.getEnvironment().isCPU();
  }

  /** Whether {@code a} is {@code FLOAT}, in {@code 'c'} order with default strides. */
  static boolean isDense(INDArray a) {
    return a.dataType() == DataType.FLOAT && a.ordering() == 'c'
        && Shape.hasDefaultStridesForShape(a);
  }

  /** {@code a} itself when {@link #isDense}, else a dense {@code FLOAT} copy. */
  static INDArray dense(INDArray a) {
    INDArray f = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
    return isDense(f) ? f : f.dup('c');
  }

  /**
   * The host buffer of a dense array; element {@code i} of {@code a} (in {@code 'c'} order) is at
   * {@code offset(a) + i}.
   */
  static FloatBuffer buffer(INDArray a) {
    return a.data().asNioFloat();
  }

  /** Where a dense array's first element lies in its {@link #buffer}. */
  static int offset(INDArray a) {
    return Math.toIntExact(a.offset());
  }

  /** A new dense {@code FLOAT} array, contents undefined. */
  static INDArray uninitialized(long... shape) {
    return Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
  }
}

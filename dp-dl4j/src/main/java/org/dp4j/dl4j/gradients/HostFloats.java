package org.dp4j.dl4j.gradients;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Host access to {@code FLOAT} ND4J arrays for the rules' Java loops (im2col, pooling, tanh): an
 * array in {@code 'c'} order with default strides is one run of its buffer from its offset, which
 * bulk {@code get}/{@code put} calls copy to and from {@code float[]} chunks.
 */
final class HostFloats {

  private HostFloats() {}

  /** Whether ND4J runs on the host, so that buffers can be read directly. */
  static boolean onHost() {
    return Nd4j.getEnvironment().isCPU();
  }

  /** Whether {@code a} is {@code FLOAT}, in {@code 'c'} order with default strides. */
  static boolean isDense(INDArray a) {
    return a.dataType() == DataType.FLOAT
        && a.ordering() == 'c'
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

  /**
   * The {@code [B, C, H, W]} array {@code a} as a dense channels-last {@code [B, H, W, C]} array: a
   * view when {@code a} is itself a channels-last buffer seen channels-first (what the fast rules
   * return), a host transpose per example when {@code a} is a dense channels-first {@code FLOAT}
   * array, else ND4J's copy.
   */
  static INDArray channelsLast(INDArray a) {
    INDArray view = a.permute(0, 2, 3, 1);
    if (isDense(view)) {
      return view;
    }
    if (isDense(a) && onHost()) {
      INDArray out = uninitialized(a.size(0), a.size(2), a.size(3), a.size(1));
      transposeExamples(a, (int) a.size(1), (int) (a.size(2) * a.size(3)), out);
      return out;
    }
    return dense(view);
  }

  /**
   * The {@code [B, C, H, W]} array {@code a} as a dense channels-first array: {@code a} itself when
   * dense, a host transpose per example when it is a channels-last {@code FLOAT} buffer seen
   * channels-first, else ND4J's copy.
   */
  static INDArray channelsFirst(INDArray a) {
    if (isDense(a)) {
      return a;
    }
    INDArray view = a.permute(0, 2, 3, 1);
    if (isDense(view) && onHost()) {
      INDArray out = uninitialized(a.shape());
      transposeExamples(view, (int) (a.size(2) * a.size(3)), (int) a.size(1), out);
      return out;
    }
    return dense(a);
  }

  /**
   * Writes each example's {@code [rows, columns]} block of the dense {@code from} transposed into
   * the dense {@code to}: {@code to[b, j, i] = from[b, i, j]}.
   */
  private static void transposeExamples(INDArray from, int rows, int columns, INDArray to) {
    int batch = Math.toIntExact(from.size(0));
    int size = rows * columns;
    int inBase = offset(from);
    int outBase = offset(to);
    ExampleRanges.forEach(
        batch,
        (first, last) -> {
          FloatBuffer in = buffer(from);
          FloatBuffer out = buffer(to);
          float[] x = new float[size];
          float[] y = new float[size];
          for (int b = first; b < last; b++) {
            in.get(inBase + b * size, x);
            for (int i = 0; i < rows; i++) {
              for (int j = 0; j < columns; j++) {
                y[j * rows + i] = x[i * columns + j];
              }
            }
            out.put(outBase + b * size, y);
          }
        });
  }

  /** A new dense {@code FLOAT} array, contents undefined. */
  static INDArray uninitialized(long... shape) {
    return Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
  }
}

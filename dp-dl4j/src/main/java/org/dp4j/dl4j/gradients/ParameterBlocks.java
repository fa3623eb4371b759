package org.dp4j.dl4j.gradients;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Where a layer's parameter views lie in the network's flat parameter vector, and writes of a
 * layer's clipped gradient into the same place of the clipped sum.
 */
final class ParameterBlocks {

  private ParameterBlocks() {}

  /** The offset of a parameter view in {@code params}, checked to be one contiguous block. */
  static long offsetIn(INDArray params, INDArray view) {
    long offset = view.offset() - params.offset();
    if (offset < 0 || offset + view.length() > params.length()) {
      throw new IllegalStateException(
          "parameter view at " + view.offset() + " is not inside " + "params()");
    }
    return offset;
  }

  /**
   * The block of {@code sum} where the matrix view {@code view} lies in {@code params}, as a {@code
   * [rows, columns]} view in the same order ({@code 'f'} for DL4J's dense weights), so that a
   * product can be written into it directly.
   */
  static INDArray matrix(INDArray sum, INDArray params, INDArray view) {
    long offset = offsetIn(params, view);
    long rows = view.size(0);
    long columns = view.size(1);
    long[] strides = view.ordering() == 'f' ? new long[] {1, rows} : new long[] {columns, 1};
    return Nd4j.create(sum.data(), new long[] {rows, columns}, strides, offset, view.ordering());
  }

  /** The block of {@code sum} where the view {@code view} lies in {@code params}, as a vector. */
  static INDArray vector(INDArray sum, INDArray params, INDArray view) {
    return Nd4j.create(
        sum.data(), new long[] {view.length()}, new long[] {1}, offsetIn(params, view), 'c');
  }

  /**
   * Writes {@code gradient} (of {@code view}'s length, in {@code view}'s order once reshaped to its
   * shape) into {@code sum} where {@code view} lies in {@code params}.
   *
   * @return the number of parameters written
   */
  static long write(INDArray sum, INDArray params, INDArray view, INDArray gradient) {
    long offset = offsetIn(params, view);
    long length = view.length();
    INDArray flat =
        Nd4j.toFlattened(view.ordering(), gradient.reshape(view.ordering(), view.shape()));
    sum.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + length))
        .assign(flat.castTo(DataType.FLOAT));
    return length;
  }
}

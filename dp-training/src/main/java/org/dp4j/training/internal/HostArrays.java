package org.dp4j.training.internal;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Decides whether an ND4J array can be read and written straight through its host buffer, and gives
 * that buffer. Not public API.
 *
 * <p>An array is <em>host-contiguous float</em> when its data type is {@code FLOAT}, it is in
 * {@code 'c'} order with the default strides for its shape (so element {@code i} of the flattened
 * array is buffer element {@code offset + i}), and the backend is the CPU one (so the data buffer
 * is host memory). Everything else (views with gaps, {@code 'f'} order, other data types, device
 * buffers) takes a slower copying path in the callers.
 */
public final class HostArrays {

  private HostArrays() {}

  /** Whether {@code array} can be accessed through {@link #floatBuffer(INDArray)}. */
  public static boolean isHostContiguousFloat(INDArray array) {
    return Nd4j.getEnvironment().isCPU()
        && array.dataType() == DataType.FLOAT
        && array.ordering() == 'c'
        && Shape.hasDefaultStridesForShape(array)
        && array.data() != null
        && array.data().asNioFloat() != null
        && array.data().asNioFloat().isDirect();
  }

  /**
   * The whole host buffer of a host-contiguous float array. Element {@code i} of the flattened
   * array is at absolute index {@code array.offset() + i}; use absolute bulk get/put.
   */
  public static FloatBuffer floatBuffer(INDArray array) {
    return array.data().asNioFloat();
  }

  /**
   * {@code array} itself when host-contiguous float, otherwise a fresh {@code 'c'}-order float copy
   * with the same shape.
   */
  public static INDArray hostContiguousFloat(INDArray array) {
    if (isHostContiguousFloat(array)) {
      return array;
    }
    INDArray asFloat = array.dataType() == DataType.FLOAT ? array : array.castTo(DataType.FLOAT);
    return asFloat.dup('c');
  }

  /** {@code array.offset()} as an int buffer index, failing if it does not fit. */
  public static int offset(INDArray array) {
    return Math.toIntExact(array.offset());
  }
}

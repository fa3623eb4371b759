package org.dp4j.training.internal;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.SpecifiedIndex;

/**
 * Copies of chosen examples (the leading index) of an array of any rank: rows {@code [B,
 * features]}, sequences {@code [B, features, steps]}, images {@code [B, C, H, W]}. Not public API.
 */
public final class ExampleRows {

  private ExampleRows() {}

  /**
   * A {@code 'c'}-order copy of the examples at {@code indices}, in that order; an empty index list
   * gives an array with leading dimension 0 and the same other dimensions.
   */
  public static INDArray select(INDArray array, int[] indices) {
    if (indices.length == 0) {
      long[] shape = array.shape().clone();
      shape[0] = 0;
      return Nd4j.create(array.dataType(), shape);
    }
    if (array.rank() == 2) {
      return array.getRows(indices);
    }
    return array.get(index(array.rank(), new SpecifiedIndex(toLongs(indices)))).dup('c');
  }

  /** A {@code 'c'}-order copy of example {@code i} as a batch of one, {@code [1, ...]}. */
  public static INDArray single(INDArray array, long i) {
    return array.get(index(array.rank(), NDArrayIndex.interval(i, i + 1))).dup('c');
  }

  private static INDArrayIndex[] index(int rank, INDArrayIndex examples) {
    INDArrayIndex[] index = new INDArrayIndex[rank];
    index[0] = examples;
    Arrays.fill(index, 1, rank, NDArrayIndex.all());
    return index;
  }

  private static long[] toLongs(int[] indices) {
    return Arrays.stream(indices).asLongStream().toArray();
  }
}

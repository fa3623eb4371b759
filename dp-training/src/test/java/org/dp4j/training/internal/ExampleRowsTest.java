package org.dp4j.training.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link ExampleRows}: chosen examples of arrays of rank 2 and 3, in order, and none. */
class ExampleRowsTest {

  @Test
  void selectsRowsInTheGivenOrder() {
    INDArray rows = Nd4j.arange(12).castTo(DataType.FLOAT).reshape(4, 3);
    INDArray picked = ExampleRows.select(rows, new int[] {2, 0});
    assertArrayEquals(new float[] {6, 7, 8, 0, 1, 2}, picked.dup('c').data().asFloat());
    assertArrayEquals(new long[] {2, 3}, picked.shape());
  }

  @Test
  void selectsWholeSequencesOfRankThree() {
    INDArray sequences = Nd4j.arange(24).castTo(DataType.FLOAT).reshape('c', 3, 2, 4);
    INDArray picked = ExampleRows.select(sequences, new int[] {2, 1});
    assertArrayEquals(new long[] {2, 2, 4}, picked.shape());
    assertEquals(sequences.get(NDArrayIndex.point(2)), picked.slice(0));
    assertEquals(sequences.get(NDArrayIndex.point(1)), picked.slice(1));
    assertEquals('c', picked.ordering());
  }

  @Test
  void noIndicesGiveAnEmptyBatchOfTheSameShape() {
    INDArray sequences = Nd4j.zeros(DataType.FLOAT, 3, 2, 4);
    assertArrayEquals(new long[] {0, 2, 4}, ExampleRows.select(sequences, new int[0]).shape());
  }

  @Test
  void singleIsABatchOfOneCopy() {
    INDArray sequences = Nd4j.arange(24).castTo(DataType.FLOAT).reshape('c', 3, 2, 4);
    INDArray one = ExampleRows.single(sequences, 1);
    assertArrayEquals(new long[] {1, 2, 4}, one.shape());
    one.assign(-1);
    assertEquals(8.0, sequences.getDouble(1, 0, 0), "a copy, not a view");
  }
}

package org.dp4j.training.clipping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.dp4j.training.testing.TestGradients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class ClipperTest {

  static LongStream seeds() {
    return LongStream.range(1, 13);
  }

  /** Reference clipped sum in double: sum_i min(1, C/||g_i||) g_i. */
  private static double[] referenceSum(float[][] rows, double clipNorm, double[] absSum) {
    double[] sum = new double[rows[0].length];
    for (float[] row : rows) {
      double norm = TestGradients.norm(row);
      double f = Math.min(1.0, clipNorm / norm);
      for (int j = 0; j < row.length; j++) {
        sum[j] += f * row[j];
        absSum[j] += Math.abs(f * row[j]);
      }
    }
    return sum;
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void flatClippedSumMatchesDoubleReference(long seed) {
    int batch = 1 + (int) (seed * 7 % 40);
    int params = 1 + (int) (seed * 977 % 9000); // crosses the 4096-float tile boundary
    double clipNorm = 0.5 + seed;
    float[][] rows = TestGradients.rows(seed, batch, params, clipNorm);
    ClippedSum result =
        FlatClipper.of(clipNorm)
            .clipAndSum(PerExampleGradients.ofMatrix(TestGradients.matrix(rows)));
    double[] absSum = new double[params];
    double[] expected = referenceSum(rows, clipNorm, absSum);
    float[] actual = TestGradients.values(result.sum());
    assertEquals(params, actual.length);
    for (int j = 0; j < params; j++) {
      // Float products and B float additions each round by at most 2^-24 relative (so B + 1
      // roundings), and the clip factor is at most 2^-20 below the exact one: a worst-case bound.
      double tolerance = ((batch + 1) * 0x1p-24 + 0x1p-19) * absSum[j] + Float.MIN_NORMAL;
      assertEquals(expected[j], actual[j], tolerance, "column " + j);
    }
    assertEquals(clipNorm, result.l2Sensitivity());
    assertEquals(batch, result.batchSize());
    assertEquals(0, result.nonFiniteCount());
    long outside = Arrays.stream(rows).filter(r -> TestGradients.norm(r) > clipNorm).count();
    assertEquals(outside, result.clippedCount());
    assertEquals(batch - outside, result.withinNormCount());
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void everyClippedRowHasNormAtMostClipNormAndInsideRowsAreUnchanged(long seed) {
    double clipNorm = 0.01 * seed;
    float[][] rows = TestGradients.rows(seed, 30, 257, clipNorm);
    FlatClipper clipper = FlatClipper.of(clipNorm);
    for (float[] row : rows) {
      float[] clipped =
          TestGradients.values(
              clipper
                  .clipAndSum(
                      PerExampleGradients.ofMatrix(TestGradients.matrix(new float[][] {row})))
                  .sum());
      double norm = TestGradients.norm(clipped);
      assertTrue(norm <= clipNorm * (1 + 1e-6), () -> "norm " + norm + " > C " + clipNorm);
      assertTrue(
          norm <= clipNorm, () -> "pessimistic rounding promised norm <= C exactly: " + norm);
      if (TestGradients.norm(row) < clipNorm * (1 - 1e-9)) {
        assertArrayEquals(row, clipped, "a row inside the ball must be unchanged");
      } else {
        assertTrue(norm >= clipNorm * (1 - 1e-5), "a clipped row lands on the sphere: " + norm);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void perLayerWithOneLayerEqualsFlat(long seed) {
    float[][] rows = TestGradients.rows(seed, 17, 300, 2.0);
    INDArray m = TestGradients.matrix(rows);
    float[] flat =
        TestGradients.values(FlatClipper.of(2.0).clipAndSum(PerExampleGradients.ofMatrix(m)).sum());
    ClippedSum perLayer = PerLayerClipper.of(2.0).clipAndSum(PerExampleGradients.ofBlocks(m));
    assertArrayEquals(flat, TestGradients.values(perLayer.sum()));
    assertEquals(2.0, perLayer.l2Sensitivity());
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void flatOverBlocksEqualsFlatOverTheConcatenatedMatrix(long seed) {
    float[][] rows = TestGradients.rows(seed, 9, 50, 1.0);
    INDArray m = TestGradients.matrix(rows);
    INDArray a = m.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 20)).dup('c');
    INDArray b = m.get(NDArrayIndex.all(), NDArrayIndex.interval(20, 50)).dup('c').reshape(9, 5, 6);
    float[] whole =
        TestGradients.values(FlatClipper.of(1.0).clipAndSum(PerExampleGradients.ofMatrix(m)).sum());
    float[] blocks =
        TestGradients.values(
            FlatClipper.of(1.0).clipAndSum(PerExampleGradients.ofBlocks(a, b)).sum());
    for (int j = 0; j < whole.length; j++) {
      // Same factors up to the rounding of the split squared norm (a few ulps of the factor).
      assertEquals(whole[j], blocks[j], 1e-5 * (Math.abs(whole[j]) + 1e-6), "column " + j);
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void perLayerClipsEachBlockToItsOwnNorm(long seed) {
    float[][] rows = TestGradients.rows(seed, 1, 40, 3.0);
    INDArray m = TestGradients.matrix(rows);
    INDArray a = m.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 10)).dup('c');
    INDArray b = m.get(NDArrayIndex.all(), NDArrayIndex.interval(10, 40)).dup('c');
    PerLayerClipper clipper = PerLayerClipper.of(0.5, 1.5);
    float[] out =
        TestGradients.values(clipper.clipAndSum(PerExampleGradients.ofBlocks(a, b)).sum());
    float[] first = Arrays.copyOfRange(out, 0, 10);
    float[] second = Arrays.copyOfRange(out, 10, 40);
    assertTrue(TestGradients.norm(first) <= 0.5);
    assertTrue(TestGradients.norm(second) <= 1.5);
    assertTrue(TestGradients.norm(out) <= clipper.l2Sensitivity());
    assertTrue(clipper.l2Sensitivity() >= Math.sqrt(0.5 * 0.5 + 1.5 * 1.5));
    assertEquals(Math.sqrt(2.5), clipper.l2Sensitivity(), 1e-12);
  }

  @Test
  void nonContiguousAndDoubleInputsGiveTheSameSum() {
    float[][] rows = TestGradients.rows(99, 12, 70, 1.0);
    INDArray c = TestGradients.matrix(rows);
    float[] expected =
        TestGradients.values(FlatClipper.of(1.0).clipAndSum(PerExampleGradients.ofMatrix(c)).sum());
    INDArray fOrder = c.dup('f');
    INDArray asDouble = c.castTo(DataType.DOUBLE);
    INDArray wide = Nd4j.create(DataType.FLOAT, 12, 80);
    wide.get(NDArrayIndex.all(), NDArrayIndex.interval(5, 75)).assign(c);
    INDArray view = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(5, 75));
    for (INDArray in : List.of(fOrder, asDouble, view)) {
      float[] actual =
          TestGradients.values(
              FlatClipper.of(1.0).clipAndSum(PerExampleGradients.ofMatrix(in)).sum());
      assertArrayEquals(expected, actual);
    }
  }

  @Test
  void rowMatrixViewsOfALargerBufferAreReadAtTheirOffset() {
    float[][] rows = TestGradients.rows(5, 6, 33, 1.0);
    INDArray m = TestGradients.matrix(rows);
    INDArray lastThree = m.get(NDArrayIndex.interval(3, 6), NDArrayIndex.all());
    float[] expected =
        TestGradients.values(
            FlatClipper.of(1.0).clipAndSum(PerExampleGradients.ofMatrix(lastThree.dup('c'))).sum());
    float[] actual =
        TestGradients.values(
            FlatClipper.of(1.0).clipAndSum(PerExampleGradients.ofMatrix(lastThree)).sum());
    assertArrayEquals(expected, actual);
  }

  @ParameterizedTest
  @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY})
  void nonFiniteExamplesAreSkippedAndCounted(float bad) {
    float[][] rows = TestGradients.rows(3, 5, 20, 1.0);
    float[][] poisoned = Arrays.stream(rows).map(float[]::clone).toArray(float[][]::new);
    poisoned[2][7] = bad;
    float[][] others = {rows[0], rows[1], rows[3], rows[4]};
    ClippedSum result =
        FlatClipper.of(1.0)
            .clipAndSum(PerExampleGradients.ofMatrix(TestGradients.matrix(poisoned)));
    float[] expected =
        TestGradients.values(
            FlatClipper.of(1.0)
                .clipAndSum(PerExampleGradients.ofMatrix(TestGradients.matrix(others)))
                .sum());
    assertArrayEquals(expected, TestGradients.values(result.sum()));
    assertEquals(1, result.nonFiniteCount());
    assertEquals(5, result.batchSize());
    assertEquals(4, result.clippedCount() + result.withinNormCount());
  }

  @Test
  void nonFiniteExampleInOneBlockSkipsTheWholeExampleForPerLayer() {
    INDArray a = Nd4j.createFromArray(new float[][] {{1, 0}, {0, Float.NaN}});
    INDArray b = Nd4j.createFromArray(new float[][] {{0, 0, 1}, {2, 2, 2}});
    ClippedSum result = PerLayerClipper.of(10, 10).clipAndSum(PerExampleGradients.ofBlocks(a, b));
    assertArrayEquals(new float[] {1, 0, 0, 0, 1}, TestGradients.values(result.sum()));
    assertEquals(1, result.nonFiniteCount());
  }

  @Test
  void rejectPolicyRefusesTheBatchNamingTheExample() {
    float[][] rows = {{1, 2}, {3, Float.NaN}};
    FlatClipper clipper = FlatClipper.of(1.0, NonFiniteGradientPolicy.REJECT_BATCH);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> clipper.clipAndSum(PerExampleGradients.ofMatrix(TestGradients.matrix(rows))));
    assertTrue(e.getMessage().contains("example 1"), e.getMessage());
  }

  @Test
  void hugeFiniteValuesAreNotMistakenForNonFinite() {
    float[][] rows = {{Float.MAX_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE}};
    ClippedSum result =
        FlatClipper.of(1.0).clipAndSum(PerExampleGradients.ofMatrix(TestGradients.matrix(rows)));
    assertEquals(0, result.nonFiniteCount());
    float[] out = TestGradients.values(result.sum());
    assertTrue(TestGradients.norm(out) <= 1.0);
    assertEquals(1.0 / Math.sqrt(3), out[0], 1e-5);
  }

  @Test
  void zeroAndTinyRowsAreUnchanged() {
    float[][] rows = {{0, 0, 0}, {Float.MIN_VALUE, -Float.MIN_VALUE, 0}};
    ClippedSum result =
        FlatClipper.of(1e-30).clipAndSum(PerExampleGradients.ofMatrix(TestGradients.matrix(rows)));
    assertArrayEquals(
        new float[] {Float.MIN_VALUE, -Float.MIN_VALUE, 0}, TestGradients.values(result.sum()));
    assertEquals(2, result.withinNormCount());
  }

  @Test
  void emptyBatchIsValidAndSumsToZero() {
    INDArray empty = Nd4j.create(DataType.FLOAT, 0, 6);
    ClippedSum result = FlatClipper.of(1.0).clipAndSum(PerExampleGradients.ofMatrix(empty));
    assertEquals(0, result.batchSize());
    assertArrayEquals(new float[6], TestGradients.values(result.sum()));
    assertArrayEquals(new long[] {1, 6}, result.sum().shape());
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0})
  void badClipNormsAreRejectedWithNameRuleAndValue(double bad) {
    IllegalArgumentException flat =
        assertThrows(IllegalArgumentException.class, () -> FlatClipper.of(bad));
    assertEquals("clipNorm must be positive and finite, got " + bad, flat.getMessage());
    IllegalArgumentException layer =
        assertThrows(IllegalArgumentException.class, () -> PerLayerClipper.of(1.0, bad));
    assertEquals("clipNorms[1] must be positive and finite, got " + bad, layer.getMessage());
  }

  @Test
  void hugeClipNormsWhoseSquaresOverflowAreRejectedForPerLayer() {
    assertThrows(IllegalArgumentException.class, () -> PerLayerClipper.of(1e200, 1e200));
    assertEquals(1e200, FlatClipper.of(1e200).l2Sensitivity());
  }

  @Test
  void shapeErrorsNameTheBlock() {
    IllegalArgumentException rank =
        assertThrows(
            IllegalArgumentException.class,
            () -> PerExampleGradients.ofMatrix(Nd4j.createFromArray(1f, 2f, 3f)));
    assertTrue(rank.getMessage().startsWith("blocks[0].rank must be >= 2"), rank.getMessage());
    IllegalArgumentException batch =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PerExampleGradients.ofBlocks(
                    Nd4j.create(DataType.FLOAT, 3, 2), Nd4j.create(DataType.FLOAT, 4, 2)));
    assertEquals(
        "blocks[1].size(0) must be equal to the batch size 3 of blocks[0], got 4",
        batch.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> PerExampleGradients.ofMatrix(Nd4j.create(DataType.INT, 3, 2)));
    assertThrows(
        IllegalArgumentException.class,
        () -> PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 3, 0)));
    assertThrows(IllegalArgumentException.class, () -> PerExampleGradients.ofBlocks(List.of()));
    assertThrows(NullPointerException.class, () -> PerExampleGradients.ofMatrix(null));
    IllegalArgumentException count =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PerLayerClipper.of(1, 1)
                    .clipAndSum(PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 3, 2))));
    assertEquals(
        "gradients.blockCount() must be equal to the number of clip norms 2, got 1",
        count.getMessage());
  }

  @Test
  void inputIsNeverModified() {
    float[][] rows = TestGradients.rows(11, 8, 64, 0.1);
    INDArray m = TestGradients.matrix(rows);
    INDArray before = m.dup();
    FlatClipper.of(0.1).clipAndSum(PerExampleGradients.ofMatrix(m));
    assertEquals(before, m);
  }
}

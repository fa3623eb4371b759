package org.dp4j.training.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.dp4j.training.testing.TestGradients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class GaussianTensorNoiseTest {

  private static final int N = 200_000;

  /** Two-sided normal quantile for a false-failure rate of 1e-5 per check. */
  private static final double Z = 4.417;

  /**
   * Whether the samples look like N(0, sd^2): mean within Z sd / sqrt(n); sample variance within Z
   * var sqrt(2 / n); excess kurtosis within Z sqrt(24 / n). Each is a normal approximation with
   * false-failure rate about 1e-5, so the check fails a correct source with probability < 3e-5.
   */
  static boolean looksGaussian(double[] x, double sd) {
    int n = x.length;
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= n;
    double m2 = 0;
    double m4 = 0;
    for (double v : x) {
      double d = v - mean;
      m2 += d * d;
      m4 += d * d * d * d;
    }
    m2 /= n;
    m4 /= n;
    double var = sd * sd;
    boolean meanOk = Math.abs(mean) <= Z * sd / Math.sqrt(n);
    boolean varOk = Math.abs(m2 - var) <= Z * var * Math.sqrt(2.0 / n);
    boolean kurtosisOk = Math.abs(m4 / (m2 * m2) - 3.0) <= Z * Math.sqrt(24.0 / n);
    return meanOk && varOk && kurtosisOk;
  }

  private static double[] asDoubles(INDArray a) {
    float[] f = TestGradients.values(a);
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  @Test
  void seededNoiseHasTheRequestedDistribution() {
    INDArray zeros = Nd4j.create(DataType.FLOAT, 1, N);
    GaussianTensorNoise.seededNotPrivate(1).addNoise(zeros, 2.5);
    assertTrue(looksGaussian(asDoubles(zeros), 2.5));
  }

  @Test
  void theCheckRejectsWrongScaleShiftAndShape() {
    SplittableRandom r = new SplittableRandom(2);
    double[] scaled = new double[N];
    double[] shifted = new double[N];
    double[] uniform = new double[N];
    for (int i = 0; i < N; i++) {
      scaled[i] = 1.1 * r.nextGaussian();
      shifted[i] = 0.05 + r.nextGaussian();
      uniform[i] = Math.sqrt(3) * (2 * r.nextDouble() - 1); // variance 1, kurtosis 1.8
    }
    assertFalse(looksGaussian(scaled, 1.0));
    assertFalse(looksGaussian(shifted, 1.0));
    assertFalse(looksGaussian(uniform, 1.0));
  }

  @Test
  void sameSeedSameNoiseAcrossLayoutsAndPaths() {
    INDArray c = Nd4j.create(DataType.FLOAT, 30, 40);
    INDArray f = Nd4j.create(DataType.FLOAT, new long[] {30, 40}, 'f');
    GaussianTensorNoise.seededNotPrivate(3).addNoise(c, 1.0);
    GaussianTensorNoise.seededNotPrivate(3).addNoise(f, 1.0);
    assertEquals(c, f);
  }

  @Test
  void doubleTargetsGetDoubleNoiseOfTheRequestedDistribution() {
    INDArray d = Nd4j.create(DataType.DOUBLE, 1, N);
    GaussianTensorNoise.seededNotPrivate(12).addNoise(d, 0.7);
    assertTrue(looksGaussian(d.data().asDouble(), 0.7));
  }

  @Test
  void aViewGetsNoiseOnlyInItsOwnElements() {
    INDArray parent = Nd4j.create(DataType.FLOAT, 10, 10);
    INDArray view = parent.get(NDArrayIndex.interval(2, 5), NDArrayIndex.interval(3, 8));
    GaussianTensorNoise.seededNotPrivate(4).addNoise(view, 1.0);
    for (int i = 0; i < 10; i++) {
      for (int j = 0; j < 10; j++) {
        boolean inside = i >= 2 && i < 5 && j >= 3 && j < 8;
        double v = parent.getDouble(i, j);
        assertEquals(inside, v != 0.0, "element " + i + "," + j + " = " + v);
      }
    }
  }

  @Test
  void rowViewInsideALargerBufferIsWrittenAtItsOffset() {
    INDArray parent = Nd4j.create(DataType.FLOAT, 4, 8);
    INDArray row = parent.getRow(2, true);
    GaussianTensorNoise.seededNotPrivate(5).addNoise(row, 1.0);
    INDArray expected = Nd4j.create(DataType.FLOAT, 1, 8);
    GaussianTensorNoise.seededNotPrivate(5).addNoise(expected, 1.0);
    assertEquals(expected, row);
    assertEquals(0.0, parent.getRow(1).norm2Number().doubleValue());
    assertEquals(0.0, parent.getRow(3).norm2Number().doubleValue());
  }

  @Test
  void secureNoiseIsPrivateUnpredictableAndFinite() {
    GaussianTensorNoise secure = GaussianTensorNoise.secure();
    assertTrue(secure.isPrivate());
    assertFalse(GaussianTensorNoise.seededNotPrivate(1).isPrivate());
    INDArray a = Nd4j.create(DataType.FLOAT, 1, 1000);
    INDArray b = Nd4j.create(DataType.FLOAT, 1, 1000);
    secure.addNoise(a, 1.0);
    GaussianTensorNoise.secure().addNoise(b, 1.0);
    assertNotEquals(a, b);
    for (float v : TestGradients.values(a)) {
      assertTrue(Float.isFinite(v) && v != 0.0f);
    }
  }

  @Test
  void zeroStandardDeviationAndEmptyArraysAreUnchanged() {
    INDArray a = Nd4j.createFromArray(new float[][] {{1, 2, 3}});
    GaussianTensorNoise.seededNotPrivate(6).addNoise(a, 0.0);
    assertArrayEquals(new float[] {1, 2, 3}, TestGradients.values(a));
    GaussianTensorNoise.seededNotPrivate(6).addNoise(Nd4j.create(DataType.FLOAT, 0, 3), 1.0);
  }

  @ParameterizedTest
  @ValueSource(doubles = {-1.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void badStandardDeviationsAreRejectedAndLeaveTheTargetUnchanged(double bad) {
    INDArray a = Nd4j.createFromArray(new float[][] {{1, 2, 3}});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> GaussianTensorNoise.secure().addNoise(a, bad));
    assertEquals("standardDeviation must be non-negative and finite, got " + bad, e.getMessage());
    assertArrayEquals(new float[] {1, 2, 3}, TestGradients.values(a));
  }

  @Test
  void nonFloatingTargetsAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> GaussianTensorNoise.secure().addNoise(Nd4j.create(DataType.INT, 2, 2), 1.0));
    assertThrows(NullPointerException.class, () -> GaussianTensorNoise.secure().addNoise(null, 1));
  }
}

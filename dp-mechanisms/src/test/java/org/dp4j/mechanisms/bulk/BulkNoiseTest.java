package org.dp4j.mechanisms.bulk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.function.Function;
import org.apache.commons.math3.distribution.LaplaceDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.RealDistribution;
import org.apache.commons.math3.special.Erf;
import org.dp4j.mechanisms.random.TestKeys;
import org.dp4j.mechanisms.stats.GoodnessOfFit;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BulkNoiseTest {

  private static final int N = 400_000;
  private static final double STD = 2.5;

  /** The eight ways to add noise, each returning the noise it added to a zero-filled target. */
  enum Target {
    GAUSSIAN_FLOAT_ARRAY(
        true,
        noise -> {
          float[] a = new float[N];
          noise.addGaussian(a, STD);
          return toDoubles(a);
        }),
    GAUSSIAN_DOUBLE_ARRAY(
        true,
        noise -> {
          double[] a = new double[N];
          noise.addGaussian(a, STD);
          return a;
        }),
    GAUSSIAN_DIRECT_FLOAT_BUFFER(
        true,
        noise -> {
          FloatBuffer b =
              ByteBuffer.allocateDirect(4 * N).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
          noise.addGaussian(b, 0, N, STD);
          float[] a = new float[N];
          b.get(a);
          return toDoubles(a);
        }),
    GAUSSIAN_DIRECT_DOUBLE_BUFFER(
        true,
        noise -> {
          DoubleBuffer b =
              ByteBuffer.allocateDirect(8 * N).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
          noise.addGaussian(b, 0, N, STD);
          double[] a = new double[N];
          b.get(a);
          return a;
        }),
    LAPLACE_FLOAT_ARRAY(
        false,
        noise -> {
          float[] a = new float[N];
          noise.addLaplace(a, 0, N, STD);
          return toDoubles(a);
        }),
    LAPLACE_DOUBLE_ARRAY(
        false,
        noise -> {
          double[] a = new double[N];
          noise.addLaplace(a, 0, N, STD);
          return a;
        }),
    LAPLACE_HEAP_FLOAT_BUFFER(
        false,
        noise -> {
          FloatBuffer b = FloatBuffer.allocate(N);
          noise.addLaplace(b, 0, N, STD);
          return toDoubles(b.array());
        }),
    LAPLACE_DIRECT_DOUBLE_BUFFER(
        false,
        noise -> {
          DoubleBuffer b =
              ByteBuffer.allocateDirect(8 * N).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
          noise.addLaplace(b, 0, N, STD);
          double[] a = new double[N];
          b.get(a);
          return a;
        });

    final boolean gaussian;
    final Function<BulkNoise, double[]> draw;

    Target(boolean gaussian, Function<BulkNoise, double[]> draw) {
      this.gaussian = gaussian;
      this.draw = draw;
    }

    RealDistribution expected(double widthFactor) {
      return gaussian
          ? new NormalDistribution(null, 0, STD * widthFactor)
          : new LaplaceDistribution(null, 0, STD * widthFactor);
    }

    /** A wrong shape with the same variance: Laplace for Gaussian targets and vice versa. */
    RealDistribution wrongShape() {
      return gaussian
          ? new LaplaceDistribution(null, 0, STD / Math.sqrt(2))
          : new NormalDistribution(null, 0, STD * Math.sqrt(2));
    }
  }

  private static double[] toDoubles(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i];
    }
    return d;
  }

  @ParameterizedTest
  @EnumSource(Target.class)
  void noiseFitsByKolmogorovSmirnovAndTheTestRejectsWrongScaleAndShape(Target target) {
    double[] noise = target.draw.apply(SeededNoise.bulk(target.ordinal() + 100));
    // Accept at p > 1e-6: false failure 1e-6 per target (fixed seed, so deterministic in CI).
    double p = GoodnessOfFit.kolmogorovSmirnovPValue(noise, target.expected(1.0));
    assertTrue(p > GoodnessOfFit.FALSE_FAILURE_RATE, target + " p=" + p);
    assertTrue(
        GoodnessOfFit.kolmogorovSmirnovPValue(noise, target.expected(1.1))
            < GoodnessOfFit.FALSE_FAILURE_RATE);
    assertTrue(
        GoodnessOfFit.kolmogorovSmirnovPValue(noise, target.wrongShape())
            < GoodnessOfFit.FALSE_FAILURE_RATE);
  }

  @ParameterizedTest
  @EnumSource(
      value = Target.class,
      names = {"GAUSSIAN_FLOAT_ARRAY", "GAUSSIAN_DOUBLE_ARRAY", "LAPLACE_FLOAT_ARRAY"})
  void secureSourceNoiseFitsToo(Target target) {
    // A fixed-key AES-CTR stream, so the check is deterministic.
    double[] noise = target.draw.apply(BulkNoise.using(TestKeys.fixedKey(target.ordinal())));
    assertTrue(
        GoodnessOfFit.kolmogorovSmirnovPValue(noise, target.expected(1.0))
            > GoodnessOfFit.FALSE_FAILURE_RATE);
  }

  @Test
  void floatZigguratTailsHaveTheNormalMass() {
    // KS is weak in the tails, so check P(|Z| > t) directly where the ziggurat's tail and wedge
    // code paths are exercised. 2,000,000 samples; tolerance 5.3 binomial sd (false failure ~1e-7
    // each).
    int n = 2_000_000;
    float[] a = new float[n];
    SeededNoise.bulk(77).addGaussian(a, 1.0);
    for (double t : new double[] {1.0, 2.5, 3.442619855899, 4.0}) {
      int beyond = 0;
      for (float x : a) {
        beyond += Math.abs(x) > t ? 1 : 0;
      }
      double p = Erf.erfc(t / Math.sqrt(2));
      assertEquals(
          p, (double) beyond / n, GoodnessOfFit.binomialTolerance(p, n), "P(|Z| > " + t + ")");
    }
  }

  @Test
  void sameSeedGivesSameNoiseAndRangesAreRespected() {
    float[] a = new float[100];
    float[] b = new float[100];
    SeededNoise.bulk(5).addGaussian(a, 10, 80, 1.0);
    SeededNoise.bulk(5).addGaussian(b, 10, 80, 1.0);
    assertArrayEquals(a, b);
    for (int i = 0; i < 10; i++) {
      assertEquals(0f, a[i]);
      assertEquals(0f, a[90 + i]);
    }
    FloatBuffer buffer = FloatBuffer.allocate(50);
    buffer.position(7);
    SeededNoise.bulk(5).addGaussian(buffer, 0, 50, 1.0);
    assertEquals(7, buffer.position(), "position must not move");
    double[] d = new double[10];
    SeededNoise.bulk(1).addGaussian(d, 0.0);
    assertArrayEquals(new double[10], d, "zero standard deviation adds zero");
  }

  @Test
  void seededNoiseIsTheSameOnArraysAndOnHeapAndDirectBuffers() {
    // Odd length and offsets exercise the trailing single sample of the two-per-word path.
    float[] array = new float[2051];
    SeededNoise.bulk(9).addGaussian(array, 3, 2047, 1.0);
    FloatBuffer heap = FloatBuffer.allocate(2051);
    SeededNoise.bulk(9).addGaussian(heap, 3, 2047, 1.0);
    FloatBuffer direct =
        ByteBuffer.allocateDirect(4 * 2051).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    SeededNoise.bulk(9).addGaussian(direct, 3, 2047, 1.0);
    float[] fromHeap = new float[2051];
    float[] fromDirect = new float[2051];
    heap.get(0, fromHeap);
    direct.get(0, fromDirect);
    assertArrayEquals(array, fromHeap);
    assertArrayEquals(array, fromDirect);
  }

  @Test
  void badArgumentsChangeNothing() {
    BulkNoise noise = SeededNoise.bulk(3);
    float[] a = {1f, 2f, 3f};
    for (double bad :
        new double[] {
          Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -1.0, -Double.MIN_VALUE
        }) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> noise.addGaussian(a, 0, 3, bad));
      assertEquals("standardDeviation must be non-negative and finite, got " + bad, e.getMessage());
      assertEquals(
          "scale must be non-negative and finite, got " + bad,
          assertThrows(IllegalArgumentException.class, () -> noise.addLaplace(a, 0, 3, bad))
              .getMessage());
    }
    assertThrows(IndexOutOfBoundsException.class, () -> noise.addGaussian(a, 1, 3, 1.0));
    assertThrows(IndexOutOfBoundsException.class, () -> noise.addGaussian(a, -1, 1, 1.0));
    assertThrows(
        IndexOutOfBoundsException.class, () -> noise.addLaplace(new double[2], 0, -1, 1.0));
    assertThrows(NullPointerException.class, () -> noise.addGaussian((float[]) null, 1.0));
    FloatBuffer readOnly = FloatBuffer.wrap(new float[] {1f, 2f}).asReadOnlyBuffer();
    assertThrows(ReadOnlyBufferException.class, () -> noise.addGaussian(readOnly, 0, 2, 1.0));
    assertThrows(
        IndexOutOfBoundsException.class,
        () -> noise.addGaussian(FloatBuffer.allocate(2), 0, 3, 1.0));
    assertArrayEquals(new float[] {1f, 2f, 3f}, a);
    assertThrows(NullPointerException.class, () -> BulkNoise.using(null));
    // The failed calls consumed no randomness: the stream continues exactly as a fresh one.
    float[] x = new float[4];
    float[] y = new float[4];
    noise.addGaussian(x, 1.0);
    SeededNoise.bulk(3).addGaussian(y, 1.0);
    assertArrayEquals(y, x);
  }

  @Test
  void secureFactoryGivesIndependentInstances() {
    double[] a = new double[4];
    double[] b = new double[4];
    BulkNoise.secure().addGaussian(a, 1.0);
    BulkNoise.secure().addGaussian(b, 1.0);
    assertTrue(a[0] != b[0]);
  }
}

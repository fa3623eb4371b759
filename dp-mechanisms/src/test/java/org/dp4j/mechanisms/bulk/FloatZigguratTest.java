package org.dp4j.mechanisms.bulk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.apache.commons.math3.special.Erf;
import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.mechanisms.bulk.FloatZiggurat.Shape;
import org.dp4j.mechanisms.random.TestKeys;
import org.dp4j.mechanisms.stats.GoodnessOfFit;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The float ziggurat's tables, its block structure and its slow (wedge and tail) paths. */
class FloatZigguratTest {

  private static final int BLOCK = RandomWords.BLOCK;

  // ---- tables -------------------------------------------------------------------------------

  /** Upper tail integral of the unnormalised density beyond r. */
  private static double tailArea(Shape shape, double r) {
    return shape == Shape.GAUSSIAN
        ? Math.sqrt(Math.PI / 2) * Erf.erfc(r / Math.sqrt(2))
        : Math.exp(-r);
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void everyLayerHasAreaV(Shape shape) {
    // Marsaglia & Tsang (2000): layer i (1..511) is [0, x_i] x [f(x_i), f(x_(i-1))]; the base is
    // the
    // rectangle [0, r] x [0, f(r)] plus the tail. Tolerance 1e-12 relative: r and v are given to
    // 17 digits and the recursion loses a few to rounding (the 13-digit published Gaussian r
    // fails).
    double v = shape.v;
    double base = shape.r * shape.density(shape.r) + tailArea(shape, shape.r);
    assertEquals(v, base, 1e-12 * v, "base layer");
    for (int i = 1; i < FloatZiggurat.LAYERS; i++) {
      double upper = i == 1 ? 1.0 : shape.density(shape.edge(i - 1));
      double area = shape.edge(i) * (upper - shape.density(shape.edge(i)));
      assertEquals(v, area, 1e-12 * v, "layer " + i);
    }
    assertEquals(shape.r, shape.edge(FloatZiggurat.LAYERS - 1), 0.0);
    assertEquals(v / shape.density(shape.r), shape.edge(0), 1e-12 * shape.edge(0));
  }

  /**
   * r such that the top layer of an n-layer ziggurat has area v(r) = r f(r) + tail(r), by bisection
   * (the construction of Marsaglia &amp; Tsang 2000); an independent re-derivation of the
   * constants.
   */
  private static double solveR(Shape shape, int layers) {
    DoubleUnaryOperator closing =
        r -> {
          double v = r * shape.density(r) + tailArea(shape, r);
          double x = r;
          for (int i = layers - 2; i >= 1; i--) {
            double y = v / x + shape.density(x);
            if (!(y < 1)) {
              return Double.POSITIVE_INFINITY; // r too small: the layers overshoot f(0) = 1
            }
            x = shape.inverseDensity(y);
          }
          return v / x + shape.density(x) - 1;
        };
    double lo = 1;
    double hi = 12;
    for (int k = 0; k < 200; k++) {
      double mid = 0.5 * (lo + hi);
      if (closing.applyAsDouble(mid) > 0) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  @Test
  void theSolverReproducesThePublishedConstants() {
    // Published with Marsaglia & Tsang's (2000) method: normal 128 layers r = 3.442619855899 (given
    // to
    // 13 digits), normal 256 layers r = 3.6541528853610088, exponential 256 layers
    // r = 7.69711747013104972. The same solver gives the 512-layer constants the tables use
    // (50-digit bisection: normal r = 3.85204615036839124..., exponential r =
    // 8.48173996322273152...).
    assertEquals(3.442619855899, solveR(Shape.GAUSSIAN, 128), 1e-11);
    assertEquals(3.6541528853610088, solveR(Shape.GAUSSIAN, 256), 1e-12);
    assertEquals(7.69711747013104972, solveR(Shape.LAPLACE, 256), 1e-12);
    assertEquals(512, FloatZiggurat.LAYERS);
    assertEquals(Shape.GAUSSIAN.r, solveR(Shape.GAUSSIAN, FloatZiggurat.LAYERS), 1e-12);
    assertEquals(Shape.LAPLACE.r, solveR(Shape.LAPLACE, FloatZiggurat.LAYERS), 1e-12);
    double r = Shape.GAUSSIAN.r;
    assertEquals(
        r * Math.exp(-0.5 * r * r) + Math.sqrt(Math.PI / 2) * Erf.erfc(r / Math.sqrt(2)),
        Shape.GAUSSIAN.v,
        1e-15);
    assertEquals((Shape.LAPLACE.r + 1) * Math.exp(-Shape.LAPLACE.r), Shape.LAPLACE.v, 1e-15);
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void thresholdsSeparateTheInnerRectangleFromTheWedge(Shape shape) {
    // Odd grid value 2m + 1 takes the fast path iff (2m + 1) x_i / 2^24 < x_(i-1) (the base layer:
    // < r; layer 1, the top, never). Checked on both sides of every threshold.
    for (int i = 0; i < FloatZiggurat.LAYERS; i++) {
      double inner = i == 0 ? shape.r : i == 1 ? 0.0 : shape.edge(i - 1);
      int k = shape.threshold(i);
      for (int odd = Math.max(1, (k - 3) | 1); odd <= k + 3; odd += 2) {
        boolean inside = odd * shape.edge(i) / FloatZiggurat.GRID < inner;
        assertEquals(inside, odd < k, "layer " + i + ", odd " + odd);
      }
    }
    assertEquals(0, shape.threshold(1), "the top layer has no inner rectangle");
  }

  // ---- slow paths, driven word by word ------------------------------------------------------

  /**
   * The 32-bit word with layer {@code layer} (bits 0-8), a sign (bit 9) and {@code m} (bits 10-31).
   */
  private static int word(int layer, boolean negative, int m) {
    return (m << 10) | (negative ? 1 << 9 : 0) | layer;
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void tailWordsGiveValuesBeyondRWithTheWordsSign(Shape shape) {
    FloatZiggurat z = new FloatZiggurat(new RandomWords(SeededNoise.uniform(11)), shape);
    UniformRandomProvider pick = SeededNoise.uniform(12);
    // Base-layer words with 2m + 1 >= k[0] are tail cases: |x| >= r, with the word's sign.
    int smallestTailM = shape.threshold(0) / 2;
    for (int t = 0; t < 2000; t++) {
      int m = smallestTailM + pick.nextInt((1 << 22) - smallestTailM);
      double positive = z.sample(word(0, false, m));
      double negative = z.sample(word(0, true, m));
      assertTrue(positive >= shape.r, "+tail " + positive);
      assertTrue(negative <= -shape.r, "-tail " + negative);
    }
    assertTrue(
        z.sample(word(0, false, smallestTailM - 1)) < shape.r, "the largest base-rectangle word");
    // Inside the base rectangle it is the fast path: exactly (2m + 1) x_0 / 2^24.
    assertEquals(shape.edge(0) * 5 / FloatZiggurat.GRID, z.sample(word(0, false, 2)), 0.0);
    assertEquals(-shape.edge(0) * 5 / FloatZiggurat.GRID, z.sample(word(0, true, 2)), 0.0);
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void wedgeWordsAreAcceptedInTheirWedgeAtTheRightRate(Shape shape) {
    // The middle layer's wedge: x in [x_(i-1), x_i). A wedge word is accepted (returned as is) with
    // probability (integral of f over the wedge) / (wedge rectangle area), otherwise a fresh sample
    // is drawn.
    int layer = FloatZiggurat.LAYERS / 2;
    double lower = shape.edge(layer - 1);
    double upper = shape.edge(layer);
    int m = (int) ((lower + upper) / 2 / upper * FloatZiggurat.GRID / 2); // mid-wedge
    assertTrue(2 * m + 1 >= shape.threshold(layer), "a wedge word");
    double x = (2.0 * m + 1) * upper / FloatZiggurat.GRID;
    double accept =
        (shape.density(x) - shape.density(upper)) / (shape.density(lower) - shape.density(upper));
    FloatZiggurat z = new FloatZiggurat(new RandomWords(SeededNoise.uniform(13)), shape);
    int n = 200_000;
    int same = 0;
    int sameNegative = 0;
    for (int t = 0; t < n; t++) {
      same += z.sample(word(layer, false, m)) == x ? 1 : 0;
      sameNegative += z.sample(word(layer, true, m)) == -x ? 1 : 0;
    }
    // A fresh sample equals x with probability below 1e-6, so "same" counts acceptances.
    // Tolerance 5.3 binomial sd each: false failure about 1.2e-7 each.
    assertEquals(accept, (double) same / n, GoodnessOfFit.binomialTolerance(accept, n));
    assertEquals(accept, (double) sameNegative / n, GoodnessOfFit.binomialTolerance(accept, n));
    assertTrue(accept > 0.2 && accept < 0.8, "the wedge word tests both branches: " + accept);
  }

  /** The fast passes this JVM can run: the scalar one, and the vector one where it loads. */
  static Stream<ZigguratFastPass> passes() {
    ZigguratFastPass vector = FastPasses.vectorIfAvailable();
    return vector == null
        ? Stream.of(ScalarFastPass.INSTANCE)
        : Stream.of(ScalarFastPass.INSTANCE, vector);
  }

  static Stream<Arguments> shapesPassesAndScales() {
    return Stream.of(Shape.values())
        .flatMap(
            shape ->
                passes()
                    .flatMap(
                        pass ->
                            Stream.of(1.0, 0.37, 2.5e7)
                                .map(scale -> Arguments.of(shape, pass, scale))));
  }

  /**
   * The value the kernel must add for one word: on the fast path {@code (float) (2m + 1)} times the
   * float width {@code (float) (scale * w_i)} with the word's sign, else {@code (float) (scale *
   * sample(word))}.
   */
  private static float expectedNoise(Shape shape, FloatZiggurat reference, int w, double scale) {
    int layer = w & 511;
    int odd = (w >>> 9) | 1;
    if (odd < shape.threshold(layer)) {
      float width = (float) (scale * (shape.edge(layer) / FloatZiggurat.GRID));
      return odd * ((w & 512) != 0 ? -width : width);
    }
    return (float) (scale * reference.sample(w));
  }

  /**
   * The noise one word must add, given a reference sampler that draws the slow paths' randomness.
   */
  private interface WordNoise {
    float of(FloatZiggurat reference, int word);
  }

  /**
   * What a kernel on the stream of {@code seed} must make of {@code initial}: each element plus
   * {@code noise} of its word, in stream order, with the slow paths' extra randomness drawn from
   * the same stream. {@code initial} is not changed.
   */
  private static float[] wordByWord(Shape shape, long seed, float[] initial, WordNoise noise) {
    RandomWords twin = new RandomWords(SeededNoise.uniform(seed));
    FloatZiggurat reference = new FloatZiggurat(twin, shape, ScalarFastPass.INSTANCE);
    float[] expected = initial.clone();
    int n = expected.length;
    for (int start = 0; start < n; start += BLOCK) {
      int count = Math.min(BLOCK, n - start);
      int[] words = twin.next(count).clone();
      for (int i = 0; i < count; i++) {
        expected[start + i] += noise.of(reference, words[i]);
      }
    }
    return expected;
  }

  @ParameterizedTest
  @MethodSource("shapesPassesAndScales")
  void theTwoPassBlockKernelAddsTheFastValueOrTheSampleForEachWordInOrder(
      Shape shape, ZigguratFastPass pass, double scale) {
    // The kernel adds the fast-path values first (nothing for wedge and tail words) and the slow
    // samples in a second pass, so the result must be bit for bit v + expectedNoise(word), word by
    // word in stream order, the slow words drawing their extra randomness in index order; also for
    // -0f, infinities and NaN. The length leaves a partial block and a partial group of 32.
    int n = 3 * BLOCK + 37;
    float[] values = new float[n];
    UniformRandomProvider fill = SeededNoise.uniform(14);
    float[] special = {
      -0f, 0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, Float.MIN_VALUE, -1e30f
    };
    for (int i = 0; i < n; i++) {
      values[i] = i < special.length ? special[i] : (float) (fill.nextDouble() * 8 - 4);
    }
    int[] slowWords = {0};
    float[] expected =
        wordByWord(
            shape,
            15,
            values,
            (reference, w) -> {
              slowWords[0] += ((w >>> 9) | 1) < shape.threshold(w & 511) ? 0 : 1;
              return expectedNoise(shape, reference, w, scale);
            });
    new FloatZiggurat(new RandomWords(SeededNoise.uniform(15)), shape, pass)
        .addTo(values, 0, n, scale);
    for (int i = 0; i < n; i++) {
      assertEquals(
          Float.floatToIntBits(expected[i]), Float.floatToIntBits(values[i]), "index " + i);
    }
    assertTrue(slowWords[0] >= 10, "the stream exercises the second pass: " + slowWords[0]);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 8, 31, 32, 33, 100, BLOCK - 1, BLOCK})
  void theVectorPassComputesTheScalarPassesFloatsAndMasks(int n) {
    ZigguratFastPass vector = FastPasses.vectorIfAvailable();
    Assumptions.assumeTrue(
        vector != null, "the vector pass needs jdk.incubator.vector and 8 or more lanes");
    // Random thresholds (all 0, all 2^24 and in between) and widths (of both signs, subnormal,
    // infinite and NaN among them), random words and values: every lane must match, and so must
    // the slow masks; mask words past the block keep what they held.
    UniformRandomProvider g = SeededNoise.uniform(60 + n);
    for (int round = 0; round < 20; round++) {
      int[] k = new int[1024];
      float[] widths = new float[1024];
      for (int t = 0; t < 1024; t++) {
        k[t] = round == 0 ? 0 : round == 1 ? 1 << 23 : g.nextInt((1 << 23) + 1);
        widths[t] =
            t % 97 == 0
                ? Float.MIN_VALUE
                : t % 89 == 0
                    ? Float.POSITIVE_INFINITY
                    : t % 83 == 0 ? Float.NaN : (float) ((g.nextDouble() - 0.5) * 1e-6);
      }
      int[] words = new int[BLOCK];
      float[] values = new float[BLOCK + 3];
      for (int i = 0; i < BLOCK; i++) {
        words[i] = g.nextInt();
        values[i] = (float) (g.nextDouble() * 10 - 5);
      }
      float[] scalarValues = values.clone();
      int[] scalarMasks = new int[BLOCK / 32];
      int[] vectorMasks = new int[BLOCK / 32];
      java.util.Arrays.fill(scalarMasks, 0x5a5a5a5a);
      java.util.Arrays.fill(vectorMasks, 0x5a5a5a5a);
      ScalarFastPass.INSTANCE.run(
          words, n, k, widths, scalarValues, 3, scalarMasks, new int[BLOCK]);
      vector.run(words, n, k, widths, values, 3, vectorMasks, new int[BLOCK]);
      for (int i = 0; i < values.length; i++) {
        assertEquals(
            Float.floatToIntBits(scalarValues[i]),
            Float.floatToIntBits(values[i]),
            "round " + round + " index " + i);
      }
      assertArrayEquals(scalarMasks, vectorMasks, "round " + round);
      if (round == 0) {
        assertEquals(n, slowBits(scalarMasks, n), "threshold 0 sends every word to the slow pass");
      }
      if (round == 1) {
        assertEquals(
            0, slowBits(scalarMasks, n), "threshold 2^23 keeps every word on the fast path");
      }
    }
  }

  private static int slowBits(int[] masks, int n) {
    int bits = 0;
    for (int group = 0; group < n; group += 32) {
      bits += Integer.bitCount(masks[group >>> 5]);
    }
    return bits;
  }

  @ParameterizedTest
  @EnumSource(Shape.class)
  void scalesBelowTheFastMinimumTakeTheWordByWordPath(Shape shape) {
    // Below minimumFastScale some float width would be subnormal; every word then adds
    // (float) (scale * sample(word)), the product in double. At the minimum the fast path runs.
    FloatZiggurat probe = new FloatZiggurat(new RandomWords(SeededNoise.uniform(1)), shape);
    double minimum = probe.minimumFastScale();
    // Float.MIN_NORMAL over the top layer's width x_1 / 2^23: x_1 = 0.17042 (Gaussian), 0.044824
    // (Laplace).
    assertEquals(shape == Shape.GAUSSIAN ? 5.7862e-31 : 2.1999e-30, minimum, 1e-4 * minimum);
    int n = BLOCK + 5;
    for (double scale : new double[] {Math.nextDown(minimum), minimum * 0.01, Double.MIN_VALUE}) {
      float[] values = new float[n];
      new FloatZiggurat(new RandomWords(SeededNoise.uniform(70)), shape).addTo(values, 0, n, scale);
      float[] expected =
          wordByWord(
              shape, 70, new float[n], (reference, w) -> (float) (scale * reference.sample(w)));
      assertArrayEquals(expected, values, "scale " + scale);
    }
    float[] atMinimum = new float[n];
    new FloatZiggurat(new RandomWords(SeededNoise.uniform(71)), shape)
        .addTo(atMinimum, 0, n, minimum);
    float[] expected =
        wordByWord(
            shape, 71, new float[n], (reference, w) -> expectedNoise(shape, reference, w, minimum));
    assertArrayEquals(expected, atMinimum, "at the minimum the fast path runs");
  }

  @Test
  void theVectorPassIsPreferredOnlyWhereItWasMeasuredFaster() {
    boolean vectorAllowed =
        Runtime.version().feature() >= FastPasses.MINIMUM_VECTOR_FEATURE
            && FastPasses.vectorIfAvailable() != null;
    assertEquals(
        vectorAllowed ? FloatNoiseKernel.VECTOR : FloatNoiseKernel.SCALAR, BulkNoise.floatKernel());
    assertEquals(vectorAllowed, !(FastPasses.preferred() instanceof ScalarFastPass));
  }

  // ---- tail masses --------------------------------------------------------------------------

  /** Largest |observed - expected| / tolerance of P(|X| > t) over the thresholds; <= 1 passes. */
  private static double worstTailError(
      float[] a, Shape expectedShape, double scale, double[] thresholds) {
    double worst = 0;
    for (double t : thresholds) {
      int beyond = 0;
      for (float x : a) {
        beyond += Math.abs(x) > t ? 1 : 0;
      }
      double z = t / scale;
      double p = expectedShape == Shape.GAUSSIAN ? Erf.erfc(z / Math.sqrt(2)) : Math.exp(-z);
      worst =
          Math.max(
              worst,
              Math.abs((double) beyond / a.length - p)
                  / GoodnessOfFit.binomialTolerance(p, a.length));
    }
    return worst;
  }

  @Test
  void floatLaplaceTailsHaveTheExponentialMassAndTheCheckRejectsAWrongScale() {
    // Thresholds in the fast path, the wedges near r and the tail. 2,000,000 samples, tolerance 5.3
    // binomial sd per threshold (false failure about 1.2e-7 each, 6e-7 in all).
    int n = 2_000_000;
    double[] thresholds = {0.5, 2.0, 5.0, Shape.LAPLACE.r, 8.0};
    float[] a = new float[n];
    SeededNoise.bulk(78).addLaplace(a, 0, n, 1.0);
    assertTrue(worstTailError(a, Shape.LAPLACE, 1.0, thresholds) <= 1.0);
    float[] wide = new float[n];
    SeededNoise.bulk(79).addLaplace(wide, 0, n, 1.05);
    assertTrue(worstTailError(wide, Shape.LAPLACE, 1.0, thresholds) > 1.0, "scale x1.05 must fail");
    // And the Gaussian float path under the same check, as a wrong shape with the Laplace variance.
    float[] g = new float[n];
    SeededNoise.bulk(80).addGaussian(g, Math.sqrt(2.0));
    assertTrue(worstTailError(g, Shape.LAPLACE, 1.0, thresholds) > 1.0, "Gaussian must fail");
  }

  @Test
  void secureFloatTailsHaveTheRightMass() {
    int n = 2_000_000;
    float[] g = new float[n];
    BulkNoise.using(TestKeys.fixedKey(41)).addGaussian(g, 1.0);
    assertTrue(
        worstTailError(g, Shape.GAUSSIAN, 1.0, new double[] {1.0, 2.5, Shape.GAUSSIAN.r, 4.0})
            <= 1.0);
    float[] l = new float[n];
    BulkNoise.using(TestKeys.fixedKey(42)).addLaplace(l, 0, n, 1.0);
    assertTrue(
        worstTailError(l, Shape.LAPLACE, 1.0, new double[] {0.5, 2.0, Shape.LAPLACE.r, 8.0})
            <= 1.0);
  }

  // ---- blocks, ranges, scaling --------------------------------------------------------------

  enum Kind {
    GAUSSIAN,
    LAPLACE
  }

  private static void add(BulkNoise noise, Kind kind, float[] a, int offset, int length, double s) {
    if (kind == Kind.GAUSSIAN) {
      noise.addGaussian(a, offset, length, s);
    } else {
      noise.addLaplace(a, offset, length, s);
    }
  }

  private static void add(
      BulkNoise noise, Kind kind, FloatBuffer b, int offset, int length, double s) {
    if (kind == Kind.GAUSSIAN) {
      noise.addGaussian(b, offset, length, s);
    } else {
      noise.addLaplace(b, offset, length, s);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK + 3})
  void arraysAndBuffersGetTheSameNoiseAtEveryLengthAndNothingOutsideTheRange(int length) {
    for (Kind kind : Kind.values()) {
      int offset = 5;
      int size = length + 9;
      float[] array = new float[size];
      java.util.Arrays.fill(array, 1f);
      add(SeededNoise.bulk(21), kind, array, offset, length, 2.0);
      FloatBuffer heap = FloatBuffer.allocate(size);
      FloatBuffer direct =
          ByteBuffer.allocateDirect(4 * size).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      for (int i = 0; i < size; i++) {
        heap.put(i, 1f);
        direct.put(i, 1f);
      }
      add(SeededNoise.bulk(21), kind, heap, offset, length, 2.0);
      add(SeededNoise.bulk(21), kind, direct, offset, length, 2.0);
      float[] fromHeap = new float[size];
      float[] fromDirect = new float[size];
      heap.get(0, fromHeap);
      direct.get(0, fromDirect);
      assertArrayEquals(array, fromHeap, kind + " heap");
      assertArrayEquals(array, fromDirect, kind + " direct");
      int changed = 0;
      for (int i = 0; i < size; i++) {
        boolean inside = i >= offset && i < offset + length;
        assertTrue(Float.isFinite(array[i]));
        if (!inside) {
          assertEquals(1f, array[i], kind + " index " + i + " is outside the range");
        }
        changed += inside && array[i] != 1f ? 1 : 0;
      }
      // Noise of sd 2 leaves an element at exactly 1f with probability below 1e-6 each.
      assertEquals(length, changed, kind + " every element in the range gets noise");
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void callsSplitAtBlockBoundariesGiveTheSameNoiseAsOneCall(Kind kind) {
    float[] whole = new float[3 * BLOCK];
    add(SeededNoise.bulk(31), kind, whole, 0, 3 * BLOCK, 1.0);
    float[] split = new float[3 * BLOCK];
    BulkNoise noise = SeededNoise.bulk(31);
    add(noise, kind, split, 0, BLOCK, 1.0);
    add(noise, kind, split, BLOCK, 2 * BLOCK, 1.0);
    assertArrayEquals(whole, split);
    // The AES-CTR path too (4 KiB per block, across keystream refills every 64 KiB).
    float[] secureWhole = new float[40 * BLOCK];
    add(BulkNoise.using(TestKeys.fixedKey(5)), kind, secureWhole, 0, 40 * BLOCK, 1.0);
    float[] secureSplit = new float[40 * BLOCK];
    BulkNoise secure = BulkNoise.using(TestKeys.fixedKey(5));
    for (int b = 0; b < 40; b++) {
      add(secure, kind, secureSplit, b * BLOCK, BLOCK, 1.0);
    }
    assertArrayEquals(secureWhole, secureSplit);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void theScaleMultipliesTheStandardVariateAndIsNotCachedStale(Kind kind) {
    // Same stream, scale 1 vs scale 3 on the second call of each instance: after the first call
    // (scale 1 on both) the tables are cached for 1, so the second call of `scaled` must recompute.
    int n = 4 * BLOCK + 7;
    BulkNoise one = SeededNoise.bulk(41);
    BulkNoise three = SeededNoise.bulk(41);
    add(one, kind, new float[n], 0, n, 1.0);
    add(three, kind, new float[n], 0, n, 1.0);
    float[] a = new float[n];
    float[] b = new float[n];
    add(one, kind, a, 0, n, 1.0);
    add(three, kind, b, 0, n, 3.0);
    for (int i = 0; i < n; i++) {
      // A fast-path value is (2m + 1) * (float) (s * w) rounded again: two roundings of relative
      // error at most 2^-24 each, so 3a and b, four roundings apart, differ by at most about
      // 2^-22 |b| < 4 ulp(b) (an ulp is more than 2^-24 |b|). Slow-path values are one double
      // product rounded once: within 2 ulp.
      assertEquals(3.0 * a[i], b[i], 4 * Math.ulp(b[i]), "index " + i);
    }
    float[] zero = {1f, -2f, 0f};
    add(one, kind, zero, 0, 3, 0.0);
    assertArrayEquals(new float[] {1f, -2f, 0f}, zero, "scale 0 adds zero");
  }

  @Test
  void nonFiniteElementsStayNonFinite() {
    float[] a = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
    SeededNoise.bulk(1).addGaussian(a, 1.0);
    SeededNoise.bulk(2).addLaplace(a, 0, 3, 1.0);
    assertTrue(Float.isNaN(a[0]));
    assertEquals(Float.POSITIVE_INFINITY, a[1]);
    assertEquals(Float.NEGATIVE_INFINITY, a[2]);
    assertFalse(Float.isFinite(a[0]));
  }
}

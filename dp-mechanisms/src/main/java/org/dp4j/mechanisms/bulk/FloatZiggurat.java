package org.dp4j.mechanisms.bulk;

import java.nio.FloatBuffer;

/**
 * Standard normal or standard Laplace variates at float resolution, one 32-bit random word per
 * sample, added in place to a float array or buffer: a 512-layer ziggurat (Marsaglia &amp; Tsang
 * 2000, "The Ziggurat Method for Generating Random Variables", J. Stat. Softw. 5(8)) on the
 * symmetric density, with the layer index, the sign and the uniform taken from <em>disjoint</em>
 * bits (Doornik 2005, "An Improved Ziggurat Method to Generate Normal Random Samples", which shows
 * that the original's shared bits bias the output).
 *
 * <p><b>Bits.</b> Each word gives 9 layer bits {@code i} (bits 0-8), a sign (bit 9) and a 22-bit
 * integer {@code m} (bits 10-31); the candidate magnitude is {@code (2m + 1) x_i / 2^23}, the
 * midpoints of a grid of 2^22 cells across layer {@code i} (2 to 4 float ulps of the layer's outer
 * edge). With 512 layers rather than the usual 256 the words that miss the fast path are about half
 * as many (0.80% instead of 1.49% for the Gaussian, 1.20% instead of 2.22% for the exponential,
 * from the tables), for one bit less of grid per layer; either way a sample spends exactly 32 bits.
 * For the Laplace shape the ziggurat is that of the exponential density {@code exp(-|x|)} and the
 * sign bit is the Laplace sign, so both shapes share the fast path.
 *
 * <p><b>Two passes.</b> A block of words is processed in two passes. The fast pass ({@link
 * ZigguratFastPass}) adds, for every word whose candidate lies inside its layer's inner rectangle
 * ({@code 2m + 1 < k_i}), {@code (2m + 1)} times the pre-scaled, signed layer width to the element,
 * and marks every other word in a 32-bit mask per 32 elements; the element of a marked word is left
 * unchanged. The second pass visits the marked words (0.80% of Gaussian and 1.20% of Laplace words)
 * and adds the wedge or tail sample, drawn with fresh 53-bit uniforms: the wedge is accepted under
 * the exact density, the Gaussian tail beyond {@code r} is Marsaglia's (1964) exact rejection from
 * an exponential, the exponential tail is {@code r + Exp(1)} (exact by memorylessness). The fast
 * pass runs in plain Java, or with the incubating Vector API where {@link FastPasses} finds it
 * faster; both give the same floats.
 *
 * <p><b>Scaling and rounding.</b> Per call the layer widths are multiplied by the standard
 * deviation (or scale) in double precision and rounded to float; the fast-path value is then one
 * float product {@code (float) (2m + 1) * width} (the conversion is exact, as {@code 2m + 1 <
 * 2^23}). Two roundings, so the value is within a relative {@code 2^-23} of {@code s (2m + 1) x_i /
 * 2^23}, far below the spread of the noise and the same order as the final rounding of the sum to
 * float. This needs normal float widths: for a positive scale below {@link #minimumFastScale()}
 * (5.8e-31 for the Gaussian, 2.2e-30 for the Laplace shape) every word takes the word-by-word path,
 * {@code (float) (s * sample(word))} with the product in double, which is slower but as accurate.
 * Slow-path samples are always one double product rounded to float.
 *
 * <p><b>Randomness.</b> Words come from {@link RandomWords} a block at a time; the float array and
 * float buffer paths run the same block kernel (a buffer block is copied to a scratch array and
 * back), so a seeded source gives the same noise on both. Package-private; reached through {@link
 * BulkNoise}. Not thread-safe.
 */
final class FloatZiggurat {

  /** Symmetric densities with a float ziggurat, each with its tables. */
  enum Shape {
    /**
     * N(0, 1): 512 layers of {@code exp(-x²/2)}, r solving the Marsaglia &amp; Tsang (2000)
     * construction ("the base layer's area is v = r f(r) + sqrt(pi/2) erfc(r / sqrt 2)", and the
     * layers close at f(0) = 1) to double precision by 50-digit bisection. The same solver gives
     * the 256-layer values usually quoted with their method, r = 3.6541528853610088; {@code
     * FloatZigguratTest} re-derives both.
     */
    GAUSSIAN(true, 3.8520461503683912, 2.4567663515413557e-3),
    /**
     * Laplace(0, 1), as an Exp(1) magnitude with a sign: 512 layers of {@code exp(-x)}, r solving
     * the same construction with v = (r + 1) e^-r (the solver reproduces their published 256-layer
     * r = 7.69711747013104972); {@code FloatZigguratTest} re-derives both.
     */
    LAPLACE(false, 8.4817399632227315, 1.9647856504077357e-3);

    /** Normal (else exponential) density; a field because the constructor needs it. */
    private final boolean gaussian;

    /** Right edge of the base layer's rectangle, r: the tail starts there. */
    final double r;

    /** Area of each layer (unnormalised density), v. */
    final double v;

    /**
     * Accept thresholds by {@code word & 1023} (layer and sign): {@code 2m + 1 < k} lies inside the
     * layer's inner rectangle. Both signs share a threshold; the table is doubled so that the fast
     * path indexes it and the width table with the same bits.
     */
    private final int[] k = new int[2 * LAYERS];

    /** Width of layer i divided by 2^23 ({@link #GRID}). */
    private final double[] w = new double[LAYERS];

    /** The unnormalised density at the layer edges, {@code f(x_i)}; f[0] = 1. */
    private final double[] f = new double[LAYERS];

    /**
     * {@code Float.MIN_NORMAL} over the narrowest width: see {@link
     * FloatZiggurat#minimumFastScale()}.
     */
    private final double minimumFastScale;

    Shape(boolean gaussian, double r, double v) {
      this.gaussian = gaussian;
      this.r = r;
      this.v = v;
      // Marsaglia & Tsang (2000), zigset(): x_511 = r, x_i = f^-1(v / x_(i+1) + f(x_(i+1))). Layer
      // i
      // (1..511) has inner rectangle [0, x_(i-1)) with x_0 = 0; the base layer's is [0, r) out of
      // its width v / f(r).
      double[] edges = new double[LAYERS];
      edges[0] = v / density(r);
      edges[LAYERS - 1] = r;
      for (int i = LAYERS - 2; i >= 1; i--) {
        edges[i] = inverseDensity(v / edges[i + 1] + density(edges[i + 1]));
      }
      for (int i = 0; i < LAYERS; i++) {
        w[i] = edges[i] / GRID;
        f[i] = i == 0 ? 1.0 : density(edges[i]);
        double inner = i == 0 ? r : i == 1 ? 0.0 : edges[i - 1];
        k[i] = (int) Math.ceil(inner / edges[i] * GRID);
        k[i + LAYERS] = k[i];
      }
      double narrowest = Double.POSITIVE_INFINITY;
      for (double width : w) {
        narrowest = Math.min(narrowest, width);
      }
      minimumFastScale = Float.MIN_NORMAL / narrowest;
    }

    /** The unnormalised density at {@code x >= 0}: exp(-x²/2) or exp(-x). */
    double density(double x) {
      return gaussian ? Math.exp(-0.5 * x * x) : Math.exp(-x);
    }

    /** The inverse of {@link #density(double)} on (0, 1]. */
    double inverseDensity(double y) {
      return gaussian ? Math.sqrt(-2.0 * Math.log(y)) : -Math.log(y);
    }

    /** Right edge x_i of layer i (for the base layer, the width v / f(r) of its rectangle). */
    double edge(int layer) {
      return w[layer] * GRID;
    }

    /** The accept threshold of layer i: {@code 2m + 1 < threshold(i)} takes the fast path. */
    int threshold(int layer) {
      return k[layer];
    }
  }

  static final int LAYERS = 512;

  /**
   * The odd grid value is {@code (word >>> VALUE_SHIFT) | 1}: the sign bit is overwritten by the 1.
   */
  static final int VALUE_SHIFT = 9;

  /** Odd grid values {@code 2m + 1} lie below this: a candidate is {@code (2m + 1) x_i / GRID}. */
  static final double GRID = 0x1.0p23;

  private static final int LAYER_MASK = LAYERS - 1;
  private static final int SIGN_BIT = LAYERS;

  /** Layer and sign bits: the index into the doubled tables. */
  static final int TABLE_MASK = 2 * LAYERS - 1;

  private final RandomWords random;
  private final Shape shape;
  private final ZigguratFastPass fastPass;

  /** {@code (float) (scale * shape.w)}, negated for the sign bit, by {@code word & 1023}. */
  private final float[] scaledWidths = new float[2 * LAYERS];

  private double scaledFor = Double.NaN;

  /** One bit per element of the current block: set where the word left the fast path. */
  private final int[] slowMasks = new int[RandomWords.BLOCK / Integer.SIZE];

  /** Scratch of the fast pass. */
  private final int[] tableIndices = new int[RandomWords.BLOCK];

  /** Scratch for buffer blocks. */
  private final float[] bufferBlock = new float[RandomWords.BLOCK];

  /** A sampler with the fast pass this JVM prefers ({@link FastPasses#preferred()}). */
  FloatZiggurat(RandomWords random, Shape shape) {
    this(random, shape, FastPasses.preferred());
  }

  FloatZiggurat(RandomWords random, Shape shape, ZigguratFastPass fastPass) {
    this.random = random;
    this.shape = shape;
    this.fastPass = fastPass;
  }

  /**
   * The smallest positive scale for which every scaled width is a normal float, so that the fast
   * pass's two float roundings keep a relative error below 2^-23; smaller positive scales take the
   * word-by-word path.
   */
  double minimumFastScale() {
    return shape.minimumFastScale;
  }

  /**
   * Adds {@code scale * Z} to {@code values[offset, end)}; arguments pre-checked, scale finite >=
   * 0.
   */
  void addTo(float[] values, int offset, int end, double scale) {
    boolean fast = isFast(scale);
    for (int start = offset; start < end; start += RandomWords.BLOCK) {
      addBlock(values, start, Math.min(RandomWords.BLOCK, end - start), scale, fast);
    }
  }

  /** As {@link #addTo(float[], int, int, double)} for a float buffer, absolute indices. */
  void addTo(FloatBuffer values, int offset, int end, double scale) {
    boolean fast = isFast(scale);
    float[] block = bufferBlock;
    for (int start = offset; start < end; start += RandomWords.BLOCK) {
      int n = Math.min(RandomWords.BLOCK, end - start);
      values.get(start, block, 0, n);
      addBlock(block, 0, n, scale, fast);
      values.put(start, block, 0, n);
    }
  }

  /** Prepares the scaled widths; false for a scale too small for float widths. */
  private boolean isFast(double scale) {
    if (scale != 0.0 && scale < minimumFastScale()) {
      return false;
    }
    if (Double.doubleToRawLongBits(scale) != Double.doubleToRawLongBits(scaledFor)) {
      double[] w = shape.w;
      for (int i = 0; i < LAYERS; i++) {
        float width = (float) (scale * w[i]);
        scaledWidths[i] = width;
        scaledWidths[i + LAYERS] = -width;
      }
      scaledFor = scale;
    }
    return true;
  }

  /**
   * Adds noise to {@code values[start, start + n)}, {@code n <= BLOCK}, from one block of words.
   */
  private void addBlock(float[] values, int start, int n, double scale, boolean fast) {
    int[] words = random.next(n);
    if (!fast) {
      for (int i = 0; i < n; i++) {
        values[start + i] += (float) (scale * sample(words[i]));
      }
      return;
    }
    int[] masks = slowMasks;
    fastPass.run(words, n, shape.k, scaledWidths, values, start, masks, tableIndices);
    for (int group = 0; group < n; group += Integer.SIZE) {
      for (int slow = masks[group >>> 5]; slow != 0; slow &= slow - 1) {
        int i = group + Integer.numberOfTrailingZeros(slow);
        values[start + i] += (float) (scale * sample(words[i]));
      }
    }
  }

  /**
   * One standard variate from a 32-bit word: the fast path's value when the word lies inside its
   * layer's inner rectangle, else the wedge or tail case and the retries with fresh words after a
   * rejection (Marsaglia &amp; Tsang 2000). The block kernel calls it for the words its fast pass
   * left out.
   */
  double sample(int word) {
    double[] w = shape.w;
    double[] f = shape.f;
    while (true) {
      int layer = word & LAYER_MASK;
      boolean negative = (word & SIGN_BIT) != 0;
      int odd = (word >>> VALUE_SHIFT) | 1;
      double x = odd * w[layer];
      if (odd < shape.k[layer]) {
        return negative ? -x : x;
      }
      if (layer == 0) {
        return tail(negative);
      }
      if (f[layer] + random.uniform() * (f[layer - 1] - f[layer]) < shape.density(x)) {
        return negative ? -x : x;
      }
      word = (int) random.nextLong();
    }
  }

  /**
   * A variate beyond r with the given sign. Gaussian: Marsaglia's (1964) exact tail, by rejection
   * from an exponential. Laplace: r + Exp(1), exact because the exponential is memoryless.
   */
  private double tail(boolean negative) {
    double r = shape.r;
    double x;
    if (shape == Shape.GAUSSIAN) {
      double y;
      do {
        x = -Math.log(random.uniform()) / r;
        y = -Math.log(random.uniform());
      } while (y + y < x * x);
    } else {
      x = -Math.log(random.uniform());
    }
    return negative ? -(r + x) : r + x;
  }
}

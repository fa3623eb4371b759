package org.dp4j.mechanisms.bulk;

import java.nio.FloatBuffer;

/**
 * Standard normal or standard Laplace variates at float resolution, one 32-bit random word per
 * sample, added in place to a float array or buffer: a 256-layer ziggurat (Marsaglia &amp; Tsang 2000,
 * "The Ziggurat Method for Generating Random Variables", J. Stat. Softw. 5(8)) on the symmetric
 * density, with the layer index, the sign and the uniform taken from <em>disjoint</em> bits (Doornik
 * 2005, "An Improved Ziggurat Method to Generate Normal Random Samples", which shows that the
 * original's shared bits bias the output).
 *
 * <p><b>Bits.</b> Each word gives 8 layer bits {@code i} (bits 0-7), a sign (bit 8) and a 23-bit
 * integer {@code m} (bits 9-31); the candidate magnitude is {@code (2m + 1) x_i / 2^24}, the midpoints
 * of a grid of 2^23 cells across layer {@code i}, as fine as float's 24-bit significand over the
 * upper half of the layer. For the Laplace shape the ziggurat is that of the exponential density
 * {@code exp(-|x|)} and the sign bit is the Laplace sign, so both shapes share the fast path.
 *
 * <p><b>Fast path without branches.</b> A block of words is processed in two passes. The first
 * computes, for every word, {@code (2m + 1)} times the pre-scaled, signed layer width and adds it to
 * the element when the candidate lies inside the layer's inner rectangle ({@code 2m + 1 < k_i}),
 * else adds zero (the product's bits are masked, so the loop has no data-dependent branch), and sets
 * the word's bit in a 32-bit mask per 32 elements. The second pass visits the set bits (by the
 * tables, 1.5% of Gaussian and 2.2% of Laplace words) and adds the wedge or tail sample, drawn with
 * fresh 53-bit uniforms: the wedge is accepted under the exact density, the Gaussian tail beyond
 * {@code r} is Marsaglia's (1964) exact rejection from an exponential, the exponential tail is
 * {@code r + Exp(1)} (exact by memorylessness). Adding zero first and the sample second gives the
 * same float as adding the sample once, because {@code v + 0f} is {@code v} for every {@code v}
 * other than {@code -0f} (which becomes {@code +0f}, and {@code -0f + s == +0f + s} for every
 * nonzero {@code s}).
 *
 * <p><b>Scaling.</b> Per call the layer widths are multiplied once by the standard deviation (or
 * scale) in double precision; {@code (2m + 1) * (s * x_i / 2^24)} differs from {@code s * ((2m + 1) *
 * x_i / 2^24)} by at most a few double ulps, far below the final rounding to float.
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
     * N(0, 1): 256 layers of {@code exp(-x²/2)}, r solving the Marsaglia &amp; Tsang (2000)
     * construction ("the top layer's area is v = r f(r) + sqrt(pi/2) erfc(r / sqrt 2)") to double
     * precision (50-digit bisection; the 256-layer values usually quoted with their method are r =
     * 3.6541528853610088, v = 4.92867323399e-3). {@code FloatZigguratTest} re-derives both.
     */
    GAUSSIAN(true, 3.6541528853610088, 4.9286732339746553e-3),
    /**
     * Laplace(0, 1), as an Exp(1) magnitude with a sign: 256 layers of {@code exp(-x)}, r solving the
     * same construction with v = (r + 1) e^-r (their published r = 7.69711747013104972);
     * {@code FloatZigguratTest} re-derives both.
     */
    LAPLACE(false, 7.6971174701310497, 3.9496598225815572e-3);

    /** Normal (else exponential) density; a field because the constructor needs it. */
    private final boolean gaussian;
    /** Right edge of the base layer's rectangle, r: the tail starts there. */
    final double r;
    /** Area of each layer (unnormalised density), v. */
    final double v;
    /**
     * Accept thresholds by {@code word & 511} (layer and sign): {@code 2m + 1 < k} lies inside the
     * layer's inner rectangle. Both signs share a threshold; the table is doubled so that the fast
     * path indexes it and the width table with the same bits.
     */
    private final int[] k = new int[2 * LAYERS];
    /** Width of layer i divided by 2^24. */
    private final double[] w = new double[LAYERS];
    /** The unnormalised density at the layer edges, {@code f(x_i)}; f[0] = 1. */
    private final double[] f = new double[LAYERS];

    Shape(boolean gaussian, double r, double v) {
      this.gaussian = gaussian;
      this.r = r;
      this.v = v;
      // Marsaglia & Tsang (2000), zigset(): x_255 = r, x_i = f^-1(v / x_(i+1) + f(x_(i+1))). Layer i
      // (1..255) has inner rectangle [0, x_(i-1)) with x_0 = 0; the base layer's is [0, r) out of
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

  static final int LAYERS = 256;
  /** Odd grid values {@code 2m + 1} lie below this: a candidate is {@code (2m + 1) x_i / GRID}. */
  static final double GRID = 0x1.0p24;
  private static final int LAYER_MASK = LAYERS - 1;
  private static final int SIGN_BIT = LAYERS;
  /** Layer and sign bits: the index into the doubled tables. */
  private static final int TABLE_MASK = 2 * LAYERS - 1;
  /** Bits of {@code 0x1.0p52} as a double; OR-ing an int below 2^52 into it gives 2^52 + that int. */
  private static final long TWO_POW_52_BITS = 0x4330000000000000L;
  private static final double TWO_POW_52 = 0x1.0p52;

  private final RandomWords random;
  private final Shape shape;
  /** Signed {@code shape.w} times {@link #scaledFor}, by {@code word & 511}; see {@link #scaled}. */
  private final double[] scaledWidths = new double[2 * LAYERS];
  private double scaledFor = Double.NaN;
  /** One bit per element of the current block: set where the word left the fast path. */
  private final int[] slowMasks = new int[RandomWords.BLOCK / Integer.SIZE];
  /** Scratch for buffer blocks. */
  private final float[] bufferBlock = new float[RandomWords.BLOCK];

  FloatZiggurat(RandomWords random, Shape shape) {
    this.random = random;
    this.shape = shape;
  }

  /** Adds {@code scale * Z} to {@code values[offset, end)}; arguments pre-checked, scale finite >= 0. */
  void addTo(float[] values, int offset, int end, double scale) {
    double[] sw = scaled(scale);
    for (int start = offset; start < end; start += RandomWords.BLOCK) {
      addBlock(values, start, Math.min(RandomWords.BLOCK, end - start), scale, sw);
    }
  }

  /** As {@link #addTo(float[], int, int, double)} for a float buffer, absolute indices. */
  void addTo(FloatBuffer values, int offset, int end, double scale) {
    double[] sw = scaled(scale);
    float[] block = bufferBlock;
    for (int start = offset; start < end; start += RandomWords.BLOCK) {
      int n = Math.min(RandomWords.BLOCK, end - start);
      values.get(start, block, 0, n);
      addBlock(block, 0, n, scale, sw);
      values.put(start, block, 0, n);
    }
  }

  /** Adds noise to {@code values[start, start + n)}, {@code n <= BLOCK}, from one block of words. */
  private void addBlock(float[] values, int start, int n, double scale, double[] sw) {
    int[] words = random.next(n);
    int[] k = shape.k;
    int[] masks = slowMasks;
    for (int group = 0; group < n; group += Integer.SIZE) {
      int groupEnd = Math.min(n, group + Integer.SIZE);
      int slow = 0;
      for (int i = group; i < groupEnd; i++) {
        int word = words[i];
        int table = word & TABLE_MASK;
        int odd = (word >>> 8) | 1;
        int inside = (odd - k[table]) >> 31; // all ones on the fast path, else zero
        slow |= (inside + 1) << i; // the shift distance is taken mod 32: bit i - group
        float x = (float) ((Double.longBitsToDouble(TWO_POW_52_BITS | odd) - TWO_POW_52) * sw[table]);
        values[start + i] += Float.intBitsToFloat(Float.floatToRawIntBits(x) & inside);
      }
      masks[group >>> 5] = slow;
    }
    for (int group = 0; group < n; group += Integer.SIZE) {
      for (int slow = masks[group >>> 5]; slow != 0; slow &= slow - 1) {
        int i = group + Integer.numberOfTrailingZeros(slow);
        values[start + i] += (float) (scale * sample(words[i]));
      }
    }
  }

  private double[] scaled(double scale) {
    if (Double.doubleToRawLongBits(scale) != Double.doubleToRawLongBits(scaledFor)) {
      double[] w = shape.w;
      for (int i = 0; i < LAYERS; i++) {
        scaledWidths[i] = scale * w[i];
        scaledWidths[i + LAYERS] = -(scale * w[i]);
      }
      scaledFor = scale;
    }
    return scaledWidths;
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
      int odd = (word >>> 8) | 1;
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

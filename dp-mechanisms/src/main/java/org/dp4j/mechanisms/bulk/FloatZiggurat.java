package org.dp4j.mechanisms.bulk;

import java.nio.FloatBuffer;

/**
 * Standard normal or standard Laplace variates at float resolution, one 32-bit random word per
 * sample, added in place to a float array or buffer: a 128-layer ziggurat (Marsaglia &amp; Tsang 2000,
 * "The Ziggurat Method for Generating Random Variables", J. Stat. Softw. 5(8)) on the symmetric
 * density, with the layer index and the uniform taken from <em>disjoint</em> bits (Doornik 2005, "An
 * Improved Ziggurat Method to Generate Normal Random Samples", which shows that the original's
 * shared bits bias the output).
 *
 * <p><b>Bits.</b> Each word gives 7 index bits {@code i} and a 25-bit signed integer {@code h}; the
 * candidate is {@code x = (2h + 1) * x_i / 2^25}, a symmetric grid of 2^25 points across layer
 * {@code i} (2^24 per sign), finer than float's 24-bit significand. For the Laplace shape the
 * ziggurat is that of the exponential density {@code exp(-|x|)} and the sign of {@code 2h + 1} is the
 * Laplace sign, so both shapes share the fast path: mask, shift, compare against the layer's inner
 * rectangle, one multiply by the pre-scaled layer width, add. The rare wedge and tail cases
 * (about 1.2% of Gaussian and 2.2% of Laplace samples) go out of line and use fresh 53-bit uniforms:
 * the wedge is accepted under the exact density, the Gaussian tail beyond {@code r} is Marsaglia's
 * (1964) exact rejection from an exponential, the exponential tail is {@code r + Exp(1)} (exact by
 * memorylessness).
 *
 * <p><b>Scaling.</b> Per call the layer widths are multiplied once by the standard deviation (or
 * scale) in double precision; {@code (2h + 1) * (s * x_i / 2^25)} differs from {@code s * ((2h + 1) *
 * x_i / 2^25)} by at most a few double ulps, far below the final rounding to float.
 *
 * <p><b>Randomness.</b> Words come from {@link RandomWords} a block at a time; the float array and
 * float buffer paths consume the source identically, so a seeded source gives the same noise on both.
 * Package-private; reached through {@link BulkNoise}. Not thread-safe.
 */
final class FloatZiggurat {

  /** Symmetric densities with a float ziggurat, each with its tables. */
  enum Shape {
    /**
     * N(0, 1): 128 layers of {@code exp(-x²/2)}, r solving the Marsaglia &amp; Tsang (2000)
     * construction ("the top layer's area is v = r f(r) + sqrt(pi/2) erfc(r / sqrt 2)") to double
     * precision (40-digit bisection; their paper prints r = 3.442619855899, v = 9.91256303526217e-3,
     * whose top layer is off by 1.2e-9 relative). {@code FloatZigguratTest} re-derives both.
     */
    GAUSSIAN(true, 3.4426198558966521, 9.9125630353364611e-3),
    /**
     * Laplace(0, 1), as an Exp(1) magnitude with a sign: 128 layers of {@code exp(-x)}, r solving the
     * same construction with v = (r + 1) e^-r (for 256 layers the same solver gives their published
     * r = 7.69711747013104972); {@code FloatZigguratTest} re-derives both.
     */
    LAPLACE(false, 6.8983151166156426, 7.9732295395534900e-3);

    /** Normal (else exponential) density; a field because the constructor needs it. */
    private final boolean gaussian;
    /** Right edge of the base layer's rectangle, r: the tail starts there. */
    final double r;
    /** Area of each layer (unnormalised density), v. */
    final double v;
    /** Accept thresholds: {@code |2h + 1| < k[i]} lies inside layer i's inner rectangle. */
    private final int[] k = new int[LAYERS];
    /** Width of layer i divided by 2^25. */
    private final double[] w = new double[LAYERS];
    /** The unnormalised density at the layer edges, {@code f(x_i)}; f[0] = 1. */
    private final double[] f = new double[LAYERS];

    Shape(boolean gaussian, double r, double v) {
      this.gaussian = gaussian;
      this.r = r;
      this.v = v;
      // Marsaglia & Tsang (2000), zigset(): x_127 = r, x_i = f^-1(v / x_(i+1) + f(x_(i+1))).
      double dn = r;
      double tn = dn;
      double q = v / density(dn);
      k[0] = (int) ((dn / q) * GRID);
      k[1] = 0;
      w[0] = q / GRID;
      w[LAYERS - 1] = dn / GRID;
      f[0] = 1.0;
      f[LAYERS - 1] = density(dn);
      for (int i = LAYERS - 2; i >= 1; i--) {
        dn = inverseDensity(v / dn + density(dn));
        k[i + 1] = (int) ((dn / tn) * GRID);
        tn = dn;
        f[i] = density(dn);
        w[i] = dn / GRID;
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
  }

  static final int LAYERS = 128;
  /** Scale of the 26-bit odd-integer grid {@code 2h + 1}, {@code |2h + 1| < 2^25}. */
  private static final double GRID = 0x1.0p25;

  private final RandomWords random;
  private final Shape shape;
  /** {@code shape.w} times {@link #scaledFor}; recomputed when the standard deviation changes. */
  private final double[] scaledWidths = new double[LAYERS];
  private double scaledFor = Double.NaN;

  FloatZiggurat(RandomWords random, Shape shape) {
    this.random = random;
    this.shape = shape;
  }

  /** Adds {@code scale * Z} to {@code values[offset, end)}; arguments pre-checked, scale finite >= 0. */
  void addTo(float[] values, int offset, int end, double scale) {
    double[] sw = scaled(scale);
    int[] k = shape.k;
    for (int start = offset; start < end; start += RandomWords.BLOCK) {
      int n = Math.min(RandomWords.BLOCK, end - start);
      int[] words = random.next(n);
      for (int i = 0; i < n; i++) {
        int word = words[i];
        int layer = word & (LAYERS - 1);
        int u = ((word >> 7) << 1) | 1;
        double x = Math.abs(u) < k[layer] ? u * sw[layer] : scale * slow(u, layer);
        values[start + i] += (float) x;
      }
    }
  }

  /** As {@link #addTo(float[], int, int, double)} for a float buffer, absolute indices. */
  void addTo(FloatBuffer values, int offset, int end, double scale) {
    double[] sw = scaled(scale);
    int[] k = shape.k;
    for (int start = offset; start < end; start += RandomWords.BLOCK) {
      int n = Math.min(RandomWords.BLOCK, end - start);
      int[] words = random.next(n);
      for (int i = 0; i < n; i++) {
        int word = words[i];
        int layer = word & (LAYERS - 1);
        int u = ((word >> 7) << 1) | 1;
        double x = Math.abs(u) < k[layer] ? u * sw[layer] : scale * slow(u, layer);
        int index = start + i;
        values.put(index, values.get(index) + (float) x);
      }
    }
  }

  /** One standard variate from a 32-bit word, plus fresh words when it falls outside the fast path. */
  double sample(int word) {
    int layer = word & (LAYERS - 1);
    int u = ((word >> 7) << 1) | 1;
    if (Math.abs(u) < shape.k[layer]) {
      return u * shape.w[layer];
    }
    return slow(u, layer);
  }

  private double[] scaled(double scale) {
    if (Double.doubleToRawLongBits(scale) != Double.doubleToRawLongBits(scaledFor)) {
      double[] w = shape.w;
      for (int i = 0; i < LAYERS; i++) {
        scaledWidths[i] = scale * w[i];
      }
      scaledFor = scale;
    }
    return scaledWidths;
  }

  /** The wedge and tail cases, and the retries after a rejection (Marsaglia &amp; Tsang 2000). */
  private double slow(int u, int layer) {
    double[] w = shape.w;
    double[] f = shape.f;
    while (true) {
      double x = u * w[layer];
      if (layer == 0) {
        return tail(u < 0);
      }
      if (f[layer] + random.uniform() * (f[layer - 1] - f[layer]) < shape.density(Math.abs(x))) {
        return x;
      }
      int word = (int) random.nextLong();
      layer = word & (LAYERS - 1);
      u = ((word >> 7) << 1) | 1;
      if (Math.abs(u) < shape.k[layer]) {
        return u * w[layer];
      }
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

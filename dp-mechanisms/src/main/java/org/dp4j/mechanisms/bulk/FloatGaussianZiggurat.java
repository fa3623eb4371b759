package org.dp4j.mechanisms.bulk;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.mechanisms.random.AesCtrRandom;

/**
 * Standard normal variates at float resolution, two per 64-bit random word: the 128-layer ziggurat
 * of Marsaglia &amp; Tsang (2000, "The Ziggurat Method for Generating Random Variables", J. Stat.
 * Softw. 5(8)), with the layer index and the uniform taken from <em>disjoint</em> bits (Doornik 2005,
 * "An Improved Ziggurat Method to Generate Normal Random Samples", which shows the original's shared
 * bits bias the output).
 *
 * <p>Each 32-bit half-word gives 7 index bits and a 25-bit signed integer {@code h}; the candidate is
 * {@code x = (2h + 1) * x_i / 2^25}, a symmetric grid of 2^25 points across layer {@code i}, finer
 * than float's 24-bit significand. Words come from the source a block at a time for {@link
 * AesCtrRandom} and one {@code nextLong()} per two samples otherwise. The rare wedge and tail cases (about 1.2% of samples) use fresh
 * 53-bit uniforms. Package-private; reached through {@link BulkNoise}. Not thread-safe.
 */
final class FloatGaussianZiggurat {

  private static final int LAYERS = 128;
  /** Right edge of the base layer's rectangle, r (Marsaglia &amp; Tsang 2000, 128 layers). */
  private static final double R = 3.442619855899;
  /** Area of each layer, v (Marsaglia &amp; Tsang 2000, 128 layers; unnormalised density exp(-x²/2)). */
  private static final double V = 9.91256303526217e-3;
  /** Scale of the 26-bit odd-integer grid {@code 2h + 1}, {@code |2h + 1| < 2^25}. */
  private static final double GRID = 0x1.0p25;
  private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

  /** Accept thresholds: {@code |2h + 1| < K[i]} lies inside layer i's inner rectangle. */
  private static final int[] K = new int[LAYERS];
  /** Width of layer i divided by 2^25. */
  private static final double[] W = new double[LAYERS];
  /** exp(-x_i² / 2) at the layer edges; F[0] = 1. */
  private static final double[] F = new double[LAYERS];

  static {
    double dn = R;
    double tn = dn;
    double q = V / Math.exp(-0.5 * dn * dn);
    K[0] = (int) ((dn / q) * GRID);
    K[1] = 0;
    W[0] = q / GRID;
    W[LAYERS - 1] = dn / GRID;
    F[0] = 1.0;
    F[LAYERS - 1] = Math.exp(-0.5 * dn * dn);
    for (int i = LAYERS - 2; i >= 1; i--) {
      dn = Math.sqrt(-2.0 * Math.log(V / dn + Math.exp(-0.5 * dn * dn)));
      K[i + 1] = (int) ((dn / tn) * GRID);
      tn = dn;
      F[i] = Math.exp(-0.5 * dn * dn);
      W[i] = dn / GRID;
    }
  }

  /** Samples per block of random words fetched at once from the source. */
  private static final int CHUNK = 1024;
  private static final java.lang.invoke.VarHandle INT_LE =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  private final UniformRandomProvider source;
  /** 32 random bits per sample, fetched a block at a time (separates the cipher from the sampler loop). */
  private final byte[] wordBuffer = new byte[4 * CHUNK];
  /**
   * Whether to fetch words a block at a time: faster for {@link AesCtrRandom}, whose bytes already
   * sit in a keystream buffer; generators that compute each word are faster read word by word.
   */
  private final boolean blockwise;

  FloatGaussianZiggurat(UniformRandomProvider source) {
    this.source = source;
    this.blockwise = source instanceof AesCtrRandom;
  }

  /** Adds {@code standardDeviation * N(0,1)} to {@code values[offset, end)}; arguments pre-checked. */
  void addTo(float[] values, int offset, int end, double standardDeviation) {
    if (!blockwise) {
      addToWordByWord(values, offset, end, standardDeviation);
      return;
    }
    byte[] words = wordBuffer;
    for (int start = offset; start < end; start += CHUNK) {
      int n = Math.min(CHUNK, end - start);
      source.nextBytes(words, 0, 4 * n);
      for (int i = 0; i < n; i++) {
        int word = (int) INT_LE.get(words, 4 * i);
        values[start + i] += (float) (standardDeviation * sample(word));
      }
    }
  }

  /** Two samples per {@code nextLong()}: faster for generators that compute words one at a time. */
  private void addToWordByWord(float[] values, int offset, int end, double standardDeviation) {
    int i = offset;
    for (; i + 1 < end; i += 2) {
      long bits = source.nextLong();
      values[i] += (float) (standardDeviation * sample((int) bits));
      values[i + 1] += (float) (standardDeviation * sample((int) (bits >>> 32)));
    }
    if (i < end) {
      values[i] += (float) (standardDeviation * sample((int) source.nextLong()));
    }
  }

  /**
   * As {@link #addTo(float[], int, int, double)} for a float buffer, absolute indices. Consumes the
   * source exactly as the array path does, so a seeded source gives the same noise on both paths.
   */
  void addTo(java.nio.FloatBuffer values, int offset, int end, double standardDeviation) {
    if (!blockwise) {
      addToWordByWord(values, offset, end, standardDeviation);
      return;
    }
    byte[] words = wordBuffer;
    for (int start = offset; start < end; start += CHUNK) {
      int n = Math.min(CHUNK, end - start);
      source.nextBytes(words, 0, 4 * n);
      for (int i = 0; i < n; i++) {
        int word = (int) INT_LE.get(words, 4 * i);
        int index = start + i;
        values.put(index, values.get(index) + (float) (standardDeviation * sample(word)));
      }
    }
  }

  /** As {@link #addToWordByWord(float[], int, int, double)} for a float buffer, absolute indices. */
  private void addToWordByWord(java.nio.FloatBuffer values, int offset, int end, double standardDeviation) {
    int i = offset;
    for (; i + 1 < end; i += 2) {
      long bits = source.nextLong();
      values.put(i, values.get(i) + (float) (standardDeviation * sample((int) bits)));
      values.put(i + 1, values.get(i + 1) + (float) (standardDeviation * sample((int) (bits >>> 32))));
    }
    if (i < end) {
      values.put(i, values.get(i) + (float) (standardDeviation * sample((int) source.nextLong())));
    }
  }

  /** One standard normal variate from a 32-bit word (plus fresh words on the rare slow path). */
  double sample(int word) {
    int layer = word & (LAYERS - 1);
    int u = ((word >> 7) << 1) | 1;
    if (Math.abs(u) < K[layer]) {
      return u * W[layer];
    }
    return slow(u, layer);
  }

  private double slow(int u, int layer) {
    while (true) {
      double x = u * W[layer];
      if (layer == 0) {
        return tail(u < 0);
      }
      if (F[layer] + uniform() * (F[layer - 1] - F[layer]) < Math.exp(-0.5 * x * x)) {
        return x;
      }
      int word = (int) source.nextLong();
      layer = word & (LAYERS - 1);
      u = ((word >> 7) << 1) | 1;
      if (Math.abs(u) < K[layer]) {
        return u * W[layer];
      }
    }
  }

  /** Marsaglia's (1964) tail beyond r: exact, by rejection from an exponential. */
  private double tail(boolean negative) {
    double x;
    double y;
    do {
      x = -Math.log(uniform()) / R;
      y = -Math.log(uniform());
    } while (y + y < x * x);
    return negative ? -(R + x) : R + x;
  }

  /** Uniform in (0, 1]: 53 random bits, never 0. */
  private double uniform() {
    return ((source.nextLong() >>> 11) + 1) * TWO_POW_MINUS_53;
  }
}

package org.dp4j.core.accounting.pld;

/**
 * An in-place radix-2 complex FFT of one fixed power-of-two length, with a twiddle table computed
 * directly ({@code Math.cos}/{@code Math.sin} of {@code 2 pi j / n}, each within 1 ulp).
 *
 * <p>Why not Commons Math's {@code FastFourierTransformer.transformInPlace}: it generates its
 * twiddle factors by a multiplicative recurrence whose error grows linearly with the length
 * (measured: 6.5e-13 at 2^15, 2.2e-12 at 2^17, 2.3e-11 at 2^20, against about 1e-16 here), and the
 * k-th power taken in {@link PldComposition} multiplies that error by k (to 2e-7 relative at k =
 * 1e5). With exact twiddles the error of the transform is of order {@code 1e-16 * log2(n)} (Cooley
 * &amp; Tukey 1965; Higham 2002, Sec. 24.1). Instances are immutable. Not public API.
 */
final class Fft {

  private final int size;
  private final double[] cos;
  private final double[] sin;

  /**
   * @param size the transform length, a power of two {@code >= 1}
   */
  Fft(int size) {
    if (size < 1 || Integer.bitCount(size) != 1) {
      throw new IllegalArgumentException("size must be a power of two, got " + size);
    }
    this.size = size;
    int half = Math.max(1, size / 2);
    cos = new double[half];
    sin = new double[half];
    int quarter = size / 4;
    for (int j = 0; j < half; j++) {
      if (quarter > 0 && j > quarter) {
        // angle = pi/2 + angle(j - quarter): cos = -sin(...), sin = cos(...), both exact.
        cos[j] = -sin[j - quarter];
        sin[j] = cos[j - quarter];
      } else {
        double angle = 2 * Math.PI * j / size;
        cos[j] = Math.cos(angle);
        sin[j] = Math.sin(angle);
      }
    }
  }

  int size() {
    return size;
  }

  /**
   * Forward {@code X_k = sum_j x_j e^{-2 pi i jk/n}}, or inverse {@code x_j = (1/n) sum_k X_k e^{+2
   * pi i jk/n}}, in place.
   */
  void transform(double[] re, double[] im, boolean inverse) {
    int n = size;
    for (int i = 1, j = 0; i < n; i++) {
      int bit = n >> 1;
      for (; (j & bit) != 0; bit >>= 1) {
        j ^= bit;
      }
      j ^= bit;
      if (i < j) {
        double t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    double sign = inverse ? 1.0 : -1.0;
    for (int len = 2; len <= n; len <<= 1) {
      int half = len >> 1;
      int step = n / len;
      for (int start = 0; start < n; start += len) {
        for (int k = 0, t = 0; k < half; k++, t += step) {
          double wr = cos[t];
          double wi = sign * sin[t];
          int a = start + k;
          int b = a + half;
          double xr = re[b] * wr - im[b] * wi;
          double xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
    if (inverse) {
      double scale = 1.0 / n;
      for (int i = 0; i < n; i++) {
        re[i] *= scale;
        im[i] *= scale;
      }
    }
  }
}

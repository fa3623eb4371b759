package org.dp4j.core.accounting.pld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The in-house FFT: exact twiddles, agreement with a direct DFT and with Commons Math. */
class FftTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 8, 64, 512})
  void matchesTheDirectDft(int n) {
    SplittableRandom random = new SplittableRandom(n);
    double[] re = new double[n];
    double[] im = new double[n];
    for (int i = 0; i < n; i++) {
      re[i] = random.nextDouble();
      im[i] = random.nextDouble() - 0.5;
    }
    double[] fr = re.clone();
    double[] fi = im.clone();
    new Fft(n).transform(fr, fi, false);
    for (int k = 0; k < n; k++) {
      double sr = 0;
      double si = 0;
      for (int j = 0; j < n; j++) {
        double angle = -2 * Math.PI * ((long) j * k % n) / n;
        sr += re[j] * Math.cos(angle) - im[j] * Math.sin(angle);
        si += re[j] * Math.sin(angle) + im[j] * Math.cos(angle);
      }
      // The direct sum itself carries about n * 1e-16 of rounding.
      assertEquals(sr, fr[k], 1e-13 * n);
      assertEquals(si, fi[k], 1e-13 * n);
    }
    new Fft(n).transform(fr, fi, true);
    for (int i = 0; i < n; i++) {
      assertEquals(re[i], fr[i], 1e-14);
      assertEquals(im[i], fi[i], 1e-14);
    }
  }

  @Test
  void agreesWithCommonsMathAndHasExactTwiddles() {
    int n = 1 << 17;
    double[] re = new double[n];
    double[] im = new double[n];
    re[1] = 1.0; // the transform of a unit impulse at 1 is the twiddle sequence itself
    new Fft(n).transform(re, im, false);
    double[][] commons = new double[2][n];
    commons[0][1] = 1.0;
    FastFourierTransformer.transformInPlace(
        commons, DftNormalization.STANDARD, TransformType.FORWARD);
    double ours = 0;
    double theirs = 0;
    for (int j = 0; j < n; j++) {
      double angle = -2 * Math.PI * j / n;
      ours = Math.max(ours, Math.hypot(re[j] - Math.cos(angle), im[j] - Math.sin(angle)));
      theirs =
          Math.max(
              theirs, Math.hypot(commons[0][j] - Math.cos(angle), commons[1][j] - Math.sin(angle)));
    }
    assertTrue(ours < 1e-15, "twiddle error " + ours);
    // Commons Math's recurrence is far less accurate at this length (about 2e-12); both agree
    // within that.
    assertTrue(theirs < 1e-10, "commons " + theirs);
    assertTrue(ours < theirs, ours + " vs " + theirs);
  }

  @Test
  void rejectsLengthsThatAreNotPowersOfTwo() {
    assertThrows(IllegalArgumentException.class, () -> new Fft(0));
    assertThrows(IllegalArgumentException.class, () -> new Fft(12));
  }
}

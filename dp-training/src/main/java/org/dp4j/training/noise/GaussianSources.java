package org.dp4j.training.noise;

import java.nio.FloatBuffer;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** The built-in {@link GaussianSource}s. */
final class GaussianSources {

  private static final int CHUNK = 4096;

  private GaussianSources() {}

  static GaussianSource secure() {
    return new GeneratorSource(new SecureRandom(), true);
  }

  static GaussianSource seededNotPrivate(long seed) {
    return new GeneratorSource(new SplittableRandom(seed), false);
  }

  /** Standard normal variates from {@link RandomGenerator#nextGaussian()}. */
  private static final class GeneratorSource implements GaussianSource {
    private final RandomGenerator random;
    private final boolean secure;
    private final float[] chunk = new float[CHUNK];

    GeneratorSource(RandomGenerator random, boolean secure) {
      this.random = random;
      this.secure = secure;
    }

    @Override
    public void addGaussian(float[] values, int offset, int length, double standardDeviation) {
      java.util.Objects.checkFromIndexSize(offset, length, values.length);
      for (int i = offset; i < offset + length; i++) {
        values[i] = (float) (values[i] + standardDeviation * random.nextGaussian());
      }
    }

    @Override
    public void addGaussian(FloatBuffer values, int offset, int length, double standardDeviation) {
      java.util.Objects.checkFromIndexSize(offset, length, values.limit());
      for (int start = 0; start < length; start += CHUNK) {
        int n = Math.min(CHUNK, length - start);
        values.get(offset + start, chunk, 0, n);
        addGaussian(chunk, 0, n, standardDeviation);
        values.put(offset + start, chunk, 0, n);
      }
    }

    @Override
    public void addGaussian(double[] values, int offset, int length, double standardDeviation) {
      java.util.Objects.checkFromIndexSize(offset, length, values.length);
      for (int i = offset; i < offset + length; i++) {
        values[i] += standardDeviation * random.nextGaussian();
      }
    }

    @Override
    public boolean isSecure() {
      return secure;
    }
  }
}

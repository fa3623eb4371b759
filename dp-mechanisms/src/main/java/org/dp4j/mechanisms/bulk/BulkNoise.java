package org.dp4j.mechanisms.bulk;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.random.AesCtrRandom;

/**
 * Adds independent Gaussian or Laplace noise, in place, to every element of an array or buffer
 * range: the noise step of DP-SGD and of any vector-valued Gaussian or Laplace mechanism.
 *
 * <p><b>Randomness.</b> {@link #secure()} draws from an {@link AesCtrRandom} keyed by the operating
 * system: this is the default and the only private choice in the library. For {@code float}
 * targets, Gaussian and Laplace variates come from 512-layer Marsaglia-Tsang ziggurats (of the
 * normal density and of the exponential density with a random sign) with disjoint layer, sign and
 * value bits (Doornik 2005), spending 32 random bits per sample on a grid of 2^22 cells per layer
 * and sign; the random words are generated a block of 1024 at a time (in one call for a {@link
 * org.dp4j.mechanisms.random.WordBlockSource}) and the sampling runs over the block in a fast pass
 * (plain Java, or SIMD through the incubating Vector API where {@link #floatKernel()} says so),
 * followed by a pass over the rare wedge and tail cases. For {@code double} targets, standard
 * normals come from the McFarland (2016) ziggurat as implemented by Commons RNG's {@link
 * ZigguratSampler.NormalizedGaussian} (about one 64-bit word per sample) and Laplace variates are
 * Commons RNG's exponential ziggurat with a random sign. {@link #using(UniformRandomProvider)}
 * accepts any source; a fast seeded one for tests and benchmarks comes from {@link
 * org.dp4j.mechanisms.testing.SeededNoise#bulk(long)}, which is <b>not private</b>. The float array
 * and float buffer methods consume a source identically, so a seeded source gives the same noise on
 * both; the noise of a seeded source is reproducible for a given version of this class, not across
 * versions.
 *
 * <p><b>Floating point.</b> This class adds floating-point noise to floating-point values. It does
 * <em>not</em> defend against the Mironov (2012) least-significant-bit attack: the set of reachable
 * outputs depends on the input. That is the accepted practice for DP-SGD, where the released
 * parameters are themselves the result of many further floating-point operations (as in Opacus and
 * TF Privacy), but it is not the right tool for releasing a single statistic. Use {@link
 * org.dp4j.mechanisms.LaplaceMechanism} or {@link org.dp4j.mechanisms.GaussianMechanism} there.
 *
 * <p><b>Arguments.</b> Every method checks its arguments before touching the data or the source: a
 * bad range ({@link IndexOutOfBoundsException}), a read-only buffer ({@link
 * java.nio.ReadOnlyBufferException}), or a standard deviation or scale that is NaN, infinite or
 * negative ({@link IllegalArgumentException}) leaves everything unchanged. A zero standard
 * deviation or scale adds zero. Buffer methods use absolute indices and never move the buffer's
 * position. Non-finite elements stay non-finite (NaN plus noise is NaN).
 *
 * <p><b>Not thread-safe</b>: one instance per thread (instances are cheap; each secure instance
 * owns its own AES key).
 */
public final class BulkNoise {

  private final UniformRandomProvider source;
  private final ZigguratSampler.NormalizedGaussian gaussian;
  private final FloatZiggurat floatGaussian;
  private final FloatZiggurat floatLaplace;
  private final ZigguratSampler.Exponential exponential;

  /** Unused random sign bits for Laplace noise into doubles, consumed from the low end. */
  private long signBits;

  /** How many bits of {@link #signBits} are still unused. */
  private int signBitsLeft;

  private BulkNoise(UniformRandomProvider source) {
    this.source = source;
    this.gaussian = ZigguratSampler.NormalizedGaussian.of(source);
    RandomWords words = new RandomWords(source);
    this.floatGaussian = new FloatZiggurat(words, FloatZiggurat.Shape.GAUSSIAN);
    this.floatLaplace = new FloatZiggurat(words, FloatZiggurat.Shape.LAPLACE);
    this.exponential = ZigguratSampler.Exponential.of(source);
  }

  /**
   * {@return the float kernel this JVM uses for {@code float[]} and {@link FloatBuffer} targets} It
   * is {@link FloatNoiseKernel#VECTOR} on Java 25 or later started with {@code --add-modules
   * jdk.incubator.vector} on a CPU with 8 or more float lanes, else {@link
   * FloatNoiseKernel#SCALAR}; fixed for the life of the JVM. The noise is the same either way.
   */
  public static FloatNoiseKernel floatKernel() {
    return FastPasses.preferred() instanceof ScalarFastPass
        ? FloatNoiseKernel.SCALAR
        : FloatNoiseKernel.VECTOR;
  }

  /**
   * Bulk noise from a new {@link AesCtrRandom} keyed by the operating system: the private default.
   *
   * @return a new instance with its own secure source
   */
  public static BulkNoise secure() {
    return new BulkNoise(AesCtrRandom.fromOperatingSystem());
  }

  /**
   * Bulk noise from the given source. The noise is only as private as the source: use {@link
   * #secure()} unless you pass a cryptographically secure generator; a seeded generator makes every
   * "noisy" output reproducible and therefore <b>not private</b>.
   *
   * @param source the uniform source, not null; this instance becomes its only user
   * @return a new instance drawing from {@code source}
   */
  public static BulkNoise using(UniformRandomProvider source) {
    return new BulkNoise(Checks.notNull("source", source));
  }

  /**
   * Adds N(0, standardDeviation²) noise to {@code values[offset, offset + length)}.
   *
   * @param values the array, changed in place
   * @param offset first index
   * @param length number of elements, {@code >= 0}
   * @param standardDeviation finite and {@code >= 0}, in the units of the values
   * @throws IndexOutOfBoundsException when the range does not fit
   * @throws IllegalArgumentException when the standard deviation is NaN, infinite or negative
   */
  public void addGaussian(float[] values, int offset, int length, double standardDeviation) {
    Objects.checkFromIndexSize(offset, length, Checks.notNull("values", values).length);
    Checks.nonNegativeFinite("standardDeviation", standardDeviation);
    floatGaussian.addTo(values, offset, offset + length, standardDeviation);
  }

  /**
   * Adds N(0, standardDeviation²) noise to every element; see {@link #addGaussian(float[], int,
   * int, double)}.
   *
   * @param values the array, changed in place
   * @param standardDeviation finite and {@code >= 0}, in the units of the values
   */
  public void addGaussian(float[] values, double standardDeviation) {
    addGaussian(values, 0, Checks.notNull("values", values).length, standardDeviation);
  }

  /**
   * As {@link #addGaussian(float[], int, int, double)}, for doubles.
   *
   * @param values the array, changed in place
   * @param offset first index
   * @param length number of elements, {@code >= 0}
   * @param standardDeviation finite and {@code >= 0}, in the units of the values
   * @throws IndexOutOfBoundsException when the range does not fit
   * @throws IllegalArgumentException when the standard deviation is NaN, infinite or negative
   */
  public void addGaussian(double[] values, int offset, int length, double standardDeviation) {
    Objects.checkFromIndexSize(offset, length, Checks.notNull("values", values).length);
    Checks.nonNegativeFinite("standardDeviation", standardDeviation);
    for (int i = offset, end = offset + length; i < end; i++) {
      values[i] += standardDeviation * gaussian.sample();
    }
  }

  /**
   * Adds N(0, standardDeviation²) noise to every element.
   *
   * @param values the array, changed in place
   * @param standardDeviation finite and {@code >= 0}, in the units of the values
   */
  public void addGaussian(double[] values, double standardDeviation) {
    addGaussian(values, 0, Checks.notNull("values", values).length, standardDeviation);
  }

  /**
   * As {@link #addGaussian(float[], int, int, double)}, for the absolute index range {@code
   * [offset, offset + length)} of a (heap or direct, any byte order) buffer; the position is not
   * moved.
   *
   * @param values the buffer, changed in place
   * @param offset first absolute index
   * @param length number of elements, {@code >= 0}; the range must end by the buffer's limit
   * @param standardDeviation finite and {@code >= 0}, in the units of the values
   * @throws java.nio.ReadOnlyBufferException when the buffer is read-only
   */
  public void addGaussian(FloatBuffer values, int offset, int length, double standardDeviation) {
    checkWritable(values, offset, length);
    Checks.nonNegativeFinite("standardDeviation", standardDeviation);
    floatGaussian.addTo(values, offset, offset + length, standardDeviation);
  }

  /**
   * As {@link #addGaussian(FloatBuffer, int, int, double)}, for doubles.
   *
   * @param values the buffer, changed in place
   * @param offset first absolute index
   * @param length number of elements, {@code >= 0}; the range must end by the buffer's limit
   * @param standardDeviation finite and {@code >= 0}, in the units of the values
   * @throws java.nio.ReadOnlyBufferException when the buffer is read-only
   */
  public void addGaussian(DoubleBuffer values, int offset, int length, double standardDeviation) {
    checkWritable(values, offset, length);
    Checks.nonNegativeFinite("standardDeviation", standardDeviation);
    for (int i = offset, end = offset + length; i < end; i++) {
      values.put(i, values.get(i) + standardDeviation * gaussian.sample());
    }
  }

  /**
   * Adds Laplace(0, scale) noise (density {@code exp(-|x| / scale) / (2 scale)}, variance {@code 2
   * scale²}) to {@code values[offset, offset + length)}.
   *
   * @param values the array, changed in place
   * @param offset first index
   * @param length number of elements, {@code >= 0}
   * @param scale finite and {@code >= 0}, in the units of the values
   * @throws IndexOutOfBoundsException when the range does not fit
   * @throws IllegalArgumentException when the scale is NaN, infinite or negative
   */
  public void addLaplace(float[] values, int offset, int length, double scale) {
    Objects.checkFromIndexSize(offset, length, Checks.notNull("values", values).length);
    Checks.nonNegativeFinite("scale", scale);
    floatLaplace.addTo(values, offset, offset + length, scale);
  }

  /**
   * As {@link #addLaplace(float[], int, int, double)}, for doubles.
   *
   * @param values the array, changed in place
   * @param offset first index
   * @param length number of elements, {@code >= 0}
   * @param scale finite and {@code >= 0}, in the units of the values
   * @throws IndexOutOfBoundsException when the range does not fit
   * @throws IllegalArgumentException when the scale is NaN, infinite or negative
   */
  public void addLaplace(double[] values, int offset, int length, double scale) {
    Objects.checkFromIndexSize(offset, length, Checks.notNull("values", values).length);
    Checks.nonNegativeFinite("scale", scale);
    for (int i = offset, end = offset + length; i < end; i++) {
      values[i] += scale * laplace();
    }
  }

  /**
   * As {@link #addLaplace(float[], int, int, double)}, for a buffer range; the position is not
   * moved.
   *
   * @param values the buffer, changed in place
   * @param offset first absolute index
   * @param length number of elements, {@code >= 0}; the range must end by the buffer's limit
   * @param scale finite and {@code >= 0}, in the units of the values
   * @throws java.nio.ReadOnlyBufferException when the buffer is read-only
   */
  public void addLaplace(FloatBuffer values, int offset, int length, double scale) {
    checkWritable(values, offset, length);
    Checks.nonNegativeFinite("scale", scale);
    floatLaplace.addTo(values, offset, offset + length, scale);
  }

  /**
   * As {@link #addLaplace(float[], int, int, double)}, for a buffer range; the position is not
   * moved.
   *
   * @param values the buffer, changed in place
   * @param offset first absolute index
   * @param length number of elements, {@code >= 0}; the range must end by the buffer's limit
   * @param scale finite and {@code >= 0}, in the units of the values
   * @throws java.nio.ReadOnlyBufferException when the buffer is read-only
   */
  public void addLaplace(DoubleBuffer values, int offset, int length, double scale) {
    checkWritable(values, offset, length);
    Checks.nonNegativeFinite("scale", scale);
    for (int i = offset, end = offset + length; i < end; i++) {
      values.put(i, values.get(i) + scale * laplace());
    }
  }

  /**
   * One standard Laplace variate (scale 1) for doubles: an Exp(1) variate with a uniformly random
   * sign.
   */
  private double laplace() {
    if (signBitsLeft == 0) {
      signBits = source.nextLong();
      signBitsLeft = Long.SIZE;
    }
    double magnitude = exponential.sample();
    long sign = signBits & 1L;
    signBits >>>= 1;
    signBitsLeft--;
    return sign == 0 ? magnitude : -magnitude;
  }

  private static void checkWritable(java.nio.Buffer values, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, Checks.notNull("values", values).limit());
    if (values.isReadOnly()) {
      throw new java.nio.ReadOnlyBufferException();
    }
  }

  @Override
  public String toString() {
    return "BulkNoise[" + source + "]";
  }
}

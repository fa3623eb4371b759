package org.dp4j.training.noise;

import java.nio.FloatBuffer;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.bulk.BulkNoise;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.dp4j.training.internal.HostArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gaussian noise written straight into an ND4J array's host buffer.
 *
 * <p><b>Paths.</b> For a {@code FLOAT} array in {@code 'c'} order with default strides on the CPU
 * backend the variates are added in place through the direct host buffer, with no copy. Any other
 * array (a view with gaps, {@code 'f'} order, {@code DOUBLE}/{@code HALF} data, or a device buffer
 * of a GPU backend) takes the slower but correct path: the noise is drawn into a heap array of the
 * same length (double precision for {@code DOUBLE} targets), wrapped as an array of the target's
 * shape and added with {@code addi}, which lets the backend move the data where it lives.
 *
 * <p><b>Modes.</b> {@link #secure()} is the default and the only private mode. {@link
 * #seededNotPrivate(long)} is fast and reproducible and carries <b>no privacy guarantee</b>: anyone
 * who knows the seed can subtract the noise. It exists for tests and benchmarks.
 *
 * <p>Not thread-safe: use one instance per thread.
 */
public final class GaussianTensorNoise implements GradientNoise {

  private final BulkNoise source;
  private final boolean secure;

  private GaussianTensorNoise(BulkNoise source, boolean secure) {
    this.source = source;
    this.secure = secure;
  }

  /**
   * Secure noise (the default): {@link BulkNoise#secure()}, an AES-CTR generator keyed by the
   * operating system, with ziggurat Gaussian sampling into the buffer.
   *
   * @return a new instance with its own secure source
   */
  public static GaussianTensorNoise secure() {
    return new GaussianTensorNoise(BulkNoise.secure(), true);
  }

  /**
   * <b>NOT PRIVATE.</b> Fast, reproducible noise from a seeded generator, for tests and benchmarks
   * only; an optimizer using it reports that its releases are not private.
   *
   * @param seed the seed
   * @return seeded noise
   */
  public static GaussianTensorNoise seededNotPrivate(long seed) {
    return new GaussianTensorNoise(SeededNoise.bulk(seed), false);
  }

  @Override
  public void addNoise(INDArray target, double standardDeviation) {
    Checks.notNull("target", target);
    Checks.nonNegativeFinite("standardDeviation", standardDeviation);
    Checks.require(
        target.dataType().isFPType(),
        "target.dataType",
        "a floating-point type",
        target.dataType());
    long length = target.length();
    if (standardDeviation == 0.0 || length == 0) {
      return;
    }
    Checks.require(
        length <= Integer.MAX_VALUE, "target.length()", "at most " + Integer.MAX_VALUE, length);
    int n = (int) length;
    if (HostArrays.isHostContiguousFloat(target)) {
      FloatBuffer buffer = HostArrays.floatBuffer(target);
      source.addGaussian(buffer, HostArrays.offset(target), n, standardDeviation);
      return;
    }
    INDArray noise;
    if (target.dataType() == DataType.DOUBLE) {
      double[] values = new double[n];
      source.addGaussian(values, 0, n, standardDeviation);
      noise = Nd4j.createFromArray(values);
    } else {
      float[] values = new float[n];
      source.addGaussian(values, 0, n, standardDeviation);
      noise = Nd4j.createFromArray(values).castTo(target.dataType());
    }
    target.addi(noise.reshape('c', target.shape()));
  }

  @Override
  public boolean isPrivate() {
    return secure;
  }

  @Override
  public String toString() {
    return "GaussianTensorNoise[" + (secure ? "secure" : "SEEDED, NOT PRIVATE") + "]";
  }
}

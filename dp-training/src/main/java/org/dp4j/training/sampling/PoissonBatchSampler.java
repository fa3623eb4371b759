package org.dp4j.training.sampling;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import org.dp4j.core.internal.Checks;

/**
 * Poisson sampling of batch indices: every index {@code 0 <= i < N} joins each batch independently
 * with probability {@code q}, so batch sizes are Binomial(N, q) and may be zero. This is the
 * sampling that the DP-SGD accountants analyse (Abadi et al. 2016, §3.1; Mironov, Talwar &amp;
 * Zhang 2019).
 *
 * <p><b>Algorithm.</b> Instead of N Bernoulli draws, the gaps between selected indices are drawn
 * from the geometric distribution: {@code gap = floor(log(U) / log(1 - q))} with {@code U} uniform
 * in {@code (0, 1]} gives {@code P(gap >= k) = (1 - q)^k}, exactly the law of the run of rejections
 * before the next success (Devroye 1986, "Non-Uniform Random Variate Generation", §X.2). It needs
 * about {@code qN + 1} uniforms per batch instead of N. The only departure from exact Bernoulli(q)
 * inclusion is the {@code 2^-53} granularity of {@code U}.
 *
 * <p><b>Randomness.</b> The default source is a {@link SecureRandom}: the sample must be secret for
 * the amplification to hold. A seeded generator may be passed for tests; its batches are
 * predictable and carry no privacy guarantee.
 *
 * <p>Not thread-safe (the generator is shared state).
 */
public final class PoissonBatchSampler {

  private final int datasetSize;
  private final double samplingRate;
  private final double logOneMinusRate;
  private final RandomGenerator random;

  private PoissonBatchSampler(int datasetSize, double samplingRate, RandomGenerator random) {
    this.datasetSize = Checks.positive("datasetSize", datasetSize);
    this.samplingRate = Checks.samplingRate("samplingRate", samplingRate);
    this.random = Checks.notNull("random", random);
    this.logOneMinusRate = Math.log1p(-samplingRate);
  }

  /**
   * A sampler drawing from a new {@link SecureRandom}.
   *
   * @param datasetSize the number of records {@code N}, positive
   * @param samplingRate {@code q}, in {@code (0, 1]}
   * @return the sampler
   * @throws IllegalArgumentException for a bad size or rate (NaN included)
   */
  public static PoissonBatchSampler of(int datasetSize, double samplingRate) {
    return new PoissonBatchSampler(datasetSize, samplingRate, new SecureRandom());
  }

  /**
   * A sampler drawing from {@code random}. Pass a secure generator for private training; a seeded
   * one makes the batches predictable (tests only): amplification by sampling then does not hold,
   * so state such a run with {@code DpSgdConfig.privacyStatement(steps, privateNoise, false)},
   * which says it is not private.
   *
   * @param datasetSize the number of records {@code N}, positive
   * @param samplingRate {@code q}, in {@code (0, 1]}
   * @param random the uniform source, not null
   * @return the sampler
   */
  public static PoissonBatchSampler of(
      int datasetSize, double samplingRate, RandomGenerator random) {
    return new PoissonBatchSampler(datasetSize, samplingRate, random);
  }

  /**
   * The next batch: the selected indices in increasing order, possibly none.
   *
   * @return a new array of distinct indices in {@code [0, N)}
   */
  public int[] nextBatch() {
    if (samplingRate == 1.0) {
      int[] all = new int[datasetSize];
      Arrays.setAll(all, i -> i);
      return all;
    }
    int capacity = (int) Math.min(datasetSize, Math.max(16, 2 * expectedBatchSize() + 16));
    int[] batch = new int[capacity];
    int size = 0;
    long index = -1;
    while (true) {
      double u = 1.0 - random.nextDouble(); // in (0, 1]
      double gap = Math.floor(Math.log(u) / logOneMinusRate);
      if (!(gap < datasetSize - index - 1)) { // also ends on NaN (cannot happen for u in (0, 1])
        break;
      }
      index += 1 + (long) gap;
      if (size == batch.length) {
        batch = Arrays.copyOf(batch, (int) Math.min(datasetSize, 2L * batch.length));
      }
      batch[size++] = (int) index;
    }
    return Arrays.copyOf(batch, size);
  }

  /** {@return the dataset size {@code N}} */
  public int datasetSize() {
    return datasetSize;
  }

  /** {@return the sampling rate {@code q}} */
  public double samplingRate() {
    return samplingRate;
  }

  /**
   * {@return the expected batch size {@code qN}, the denominator DP-SGD divides the noisy sum by}
   */
  public double expectedBatchSize() {
    return samplingRate * datasetSize;
  }

  @Override
  public String toString() {
    return "PoissonBatchSampler[datasetSize="
        + datasetSize
        + ", samplingRate="
        + samplingRate
        + "]";
  }
}

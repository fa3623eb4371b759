package org.dp4j.training.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PoissonBatchSamplerTest {

  private static final int N = 1000;
  private static final double Q = 0.05;
  private static final int BATCHES = 2000;

  /** Two-sided standard-normal quantile for a false-failure rate of 1e-5. */
  private static final double Z = 4.417;

  private static int[][] draw(int n, double q, long seed) {
    PoissonBatchSampler sampler = PoissonBatchSampler.of(n, q, new SplittableRandom(seed));
    int[][] batches = new int[BATCHES][];
    for (int t = 0; t < BATCHES; t++) {
      batches[t] = sampler.nextBatch();
    }
    return batches;
  }

  /** Fixed-size batches from a shuffle: the wrong distribution the checks must reject. */
  private static int[][] shuffledFixedSize(int n, int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int[][] batches = new int[BATCHES][];
    int[] perm = new int[n];
    for (int t = 0; t < BATCHES; t++) {
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
      }
      batches[t] = java.util.Arrays.copyOf(perm, size);
    }
    return batches;
  }

  /**
   * Whether the total number of inclusions fits Binomial(N * T, q): |S - NTq| <= Z * sd, so a
   * correct sampler fails with probability about 1e-5 (normal approximation, NTq = 1e5).
   */
  private static boolean totalFits(int[][] batches, int n, double q) {
    long total = 0;
    for (int[] b : batches) {
      total += b.length;
    }
    double mean = (double) n * batches.length * q;
    double sd = Math.sqrt(mean * (1 - q));
    return Math.abs(total - mean) <= Z * sd;
  }

  /**
   * Whether the sample variance of batch sizes fits Binomial(N, q)'s variance Nq(1-q): the sample
   * variance of T values has standard deviation about var * sqrt(2 / (T - 1)) (kurtosis of a
   * binomial with mean 50 is 3 - 0.02), so Z of those is a false-failure rate of about 1e-5.
   */
  private static boolean varianceFits(int[][] batches, int n, double q) {
    double mean = 0;
    for (int[] b : batches) {
      mean += b.length;
    }
    mean /= batches.length;
    double ss = 0;
    for (int[] b : batches) {
      ss += (b.length - mean) * (b.length - mean);
    }
    double sampleVar = ss / (batches.length - 1);
    double var = n * q * (1 - q);
    return Math.abs(sampleVar - var) <= Z * var * Math.sqrt(2.0 / (batches.length - 1));
  }

  /**
   * Chi-square test that every index is included equally often (T q times): the statistic over N
   * cells, each Binomial(T, q), has N degrees of freedom approximately; the threshold is its 1 -
   * 1e-5 quantile, so a correct sampler fails with probability about 1e-5.
   */
  private static boolean inclusionUniform(int[][] batches, int n, double q) {
    long[] counts = new long[n];
    for (int[] b : batches) {
      for (int i : b) {
        counts[i]++;
      }
    }
    double expected = batches.length * q;
    double var = expected * (1 - q);
    double chi2 = 0;
    for (long c : counts) {
      chi2 += (c - expected) * (c - expected) / var;
    }
    return chi2 <= new ChiSquaredDistribution(null, n).inverseCumulativeProbability(1 - 1e-5);
  }

  @Test
  void batchSizesAndInclusionsFollowThePoissonLaw() {
    int[][] batches = draw(N, Q, 42);
    assertTrue(totalFits(batches, N, Q));
    assertTrue(varianceFits(batches, N, Q));
    assertTrue(inclusionUniform(batches, N, Q));
  }

  @Test
  void theChecksRejectWrongDistributions() {
    assertFalse(totalFits(draw(N, Q * 1.1, 43), N, Q), "a 10% higher rate must be caught");
    assertFalse(
        varianceFits(shuffledFixedSize(N, 50, 44), N, Q),
        "fixed-size batches (variance 0) must be caught");
    int[][] biased = draw(N, Q, 45);
    for (int[] b : biased) { // drop index 0 everywhere: a sampler that never picks it
      for (int j = 0; j < b.length; j++) {
        if (b[j] == 0) {
          b[j] = 1;
        }
      }
    }
    assertFalse(inclusionUniform(biased, N, Q), "a never-chosen index must be caught");
  }

  @Test
  void batchesAreSortedDistinctAndInRange() {
    PoissonBatchSampler sampler = PoissonBatchSampler.of(300, 0.3, new SplittableRandom(7));
    for (int t = 0; t < 200; t++) {
      int[] b = sampler.nextBatch();
      for (int j = 0; j < b.length; j++) {
        assertTrue(b[j] >= 0 && b[j] < 300);
        if (j > 0) {
          assertTrue(b[j] > b[j - 1]);
        }
      }
    }
  }

  @Test
  void emptyBatchesOccurAtTheirRate() {
    // P(empty) = (1 - q)^N = 0.99^100 = 0.366; over 2000 batches the count's sd is 21.5.
    PoissonBatchSampler sampler = PoissonBatchSampler.of(100, 0.01, new SplittableRandom(8));
    int empty = 0;
    for (int t = 0; t < BATCHES; t++) {
      if (sampler.nextBatch().length == 0) {
        empty++;
      }
    }
    double p = Math.pow(0.99, 100);
    double sd = Math.sqrt(BATCHES * p * (1 - p));
    assertEquals(BATCHES * p, empty, Z * sd); // false-failure rate about 1e-5
  }

  @Test
  void rateOneSelectsEverything() {
    int[] all = PoissonBatchSampler.of(5, 1.0, new SplittableRandom(1)).nextBatch();
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, all);
    assertEquals(5.0, PoissonBatchSampler.of(5, 1.0).expectedBatchSize());
  }

  @Test
  void tinyRateOnHugeDatasetStaysCheap() {
    PoissonBatchSampler sampler =
        PoissonBatchSampler.of(Integer.MAX_VALUE, 1e-8, new SplittableRandom(9));
    int[] b = sampler.nextBatch();
    assertTrue(b.length < 200, "expected about 21, got " + b.length);
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {
        0.0,
        -0.1,
        1.0000001,
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY
      })
  void ratesOutsideZeroOneAreRejected(double bad) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PoissonBatchSampler.of(10, bad));
    assertEquals("samplingRate must be in (0, 1], got " + bad, e.getMessage());
  }

  @Test
  void badDatasetSizesAndNullsAreRejected() {
    assertEquals(
        "datasetSize must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> PoissonBatchSampler.of(0, 0.5))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> PoissonBatchSampler.of(-3, 0.5));
    assertThrows(NullPointerException.class, () -> PoissonBatchSampler.of(3, 0.5, null));
  }
}

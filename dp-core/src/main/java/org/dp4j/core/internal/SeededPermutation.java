package org.dp4j.core.internal;

import java.util.SplittableRandom;

/**
 * A seeded, reproducible permutation for the non-private parts of dp4j's tools (data splits, the
 * order of non-private epochs). Never for privacy: the permutation is a function of the seed.
 */
public final class SeededPermutation {

  private SeededPermutation() {}

  /**
   * {@return a Fisher-Yates permutation of {@code 0..n-1} driven by {@code SplittableRandom(seed)}}
   *
   * @param n the length, {@code >= 0}
   * @param seed the seed; the same seed gives the same permutation
   */
  public static int[] of(int n, long seed) {
    Checks.require(n >= 0, "n", ">= 0", n);
    SplittableRandom random = new SplittableRandom(seed);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}

package org.dp4j.cli;

import java.util.SplittableRandom;
import org.dp4j.training.data.Digits;

/**
 * The embedded 8x8 digits of dp-training ({@link Digits}: Alpaydin &amp; Kaynak 1998, UCI, CC BY
 * 4.0, attribution beside the data in that jar) as the command's {@link TrainingData}, and the
 * seeded shuffles the command uses.
 */
final class DigitsDataset {

  private DigitsDataset() {}

  /**
   * Loads the digits and splits them, after a seeded shuffle, into 80% training and 20% test.
   *
   * @param seed the shuffle's seed (the split is not private data)
   */
  static TrainingData load(long seed) {
    Digits.Split split = Digits.split(0.8, seed);
    return new TrainingData(
        "digits", split.train(), split.test(), Digits.SIDE, Digits.SIDE, Digits.CLASSES);
  }

  /** A seeded Fisher-Yates permutation of 0..n-1. */
  static int[] shuffled(int n, long seed) {
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

package org.dp4j.cli;

import org.dp4j.training.data.Digits;

/**
 * The embedded 8x8 digits of dp-training ({@link Digits}: Alpaydin &amp; Kaynak 1998, UCI, CC BY
 * 4.0, attribution beside the data in that jar) as the command's {@link TrainingData}.
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
}

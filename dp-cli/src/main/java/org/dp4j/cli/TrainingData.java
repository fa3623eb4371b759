package org.dp4j.cli;

import java.util.Arrays;
import java.util.Optional;
import org.dp4j.core.internal.SeededPermutation;
import org.dp4j.training.internal.ExampleRows;
import org.nd4j.linalg.dataset.DataSet;

/**
 * A classification dataset split into training, optional validation and test parts; features are
 * images scaled to {@code [0, 1]}, flattened ({@code [n, height * width]}) or, for the recurrent
 * model, read as row sequences ({@link RowSequences}: {@code [n, width, height]}); labels one-hot.
 *
 * @param name the dataset's name as shown to the user
 * @param train the training part (the private data the model trains on)
 * @param validation the validation part, carved from the training data before training (held out:
 *     never trained on, used for the accuracy during training); empty when there is none
 * @param test the test part (used for the final accuracy only)
 * @param height image height in pixels
 * @param width image width in pixels
 * @param classes the number of classes
 */
record TrainingData(
    String name,
    DataSet train,
    Optional<DataSet> validation,
    DataSet test,
    int height,
    int width,
    int classes) {

  /** A dataset without a validation part. */
  TrainingData(String name, DataSet train, DataSet test, int height, int width, int classes) {
    this(name, train, Optional.empty(), test, height, width, classes);
  }

  int features() {
    return height * width;
  }

  /**
   * This dataset with {@code count} training examples moved, after a shuffle seeded with {@code
   * seed}, into the validation part (the split is a public choice, not private data).
   *
   * @param count in {@code [1, train size - 1]}
   * @param seed the shuffle's seed
   */
  TrainingData withValidation(int count, long seed) {
    int n = train.numExamples();
    if (count < 1 || count >= n) {
      throw new IllegalArgumentException(
          "validation count must be in [1, " + (n - 1) + "], got " + count);
    }
    int[] order = SeededPermutation.of(n, seed ^ 0x5DEECE66DL);
    int[] kept = Arrays.copyOfRange(order, 0, n - count);
    int[] heldOut = Arrays.copyOfRange(order, n - count, n);
    Arrays.sort(kept);
    Arrays.sort(heldOut);
    return new TrainingData(
        name, rows(train, kept), Optional.of(rows(train, heldOut)), test, height, width, classes);
  }

  /** The given examples (features and labels) of {@code data}, in the given order. */
  static DataSet rows(DataSet data, int[] rows) {
    return new DataSet(
        ExampleRows.select(data.getFeatures(), rows), ExampleRows.select(data.getLabels(), rows));
  }
}

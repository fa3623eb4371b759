package org.dp4j.cli;

import org.nd4j.linalg.dataset.DataSet;

/**
 * A classification dataset split into training and test parts; features are flattened images
 * scaled to {@code [0, 1]}, labels one-hot.
 *
 * @param name the dataset's name as shown to the user
 * @param train the training part (the private data)
 * @param test the test part (used for the accuracy only)
 * @param height image height in pixels
 * @param width image width in pixels
 * @param classes the number of classes
 */
record TrainingData(String name, DataSet train, DataSet test, int height, int width, int classes) {

  int features() {
    return height * width;
  }
}

package org.dp4j.cli;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Images read as sequences for the recurrent model: the rows of an image, top to bottom, are the
 * time steps and the pixels of a row are the features of a step. A flattened {@code height x width}
 * image becomes a {@code [width, height]} slice of DL4J's recurrent layout ({@code RNNFormat.NCW}:
 * features, then time), so element {@code [k, c, r]} of the result is pixel {@code (r, c)} of image
 * {@code k}: the embedded 8x8 digits become 8 steps of 8 features, Fashion-MNIST 28 steps of 28
 * features.
 */
final class RowSequences {

  private RowSequences() {}

  /**
   * {@code data} with the features of its training, validation and test parts read as row
   * sequences; labels unchanged.
   */
  static TrainingData of(TrainingData data) {
    return new TrainingData(
        data.name(),
        of(data.train(), data.height(), data.width()),
        data.validation().map(v -> of(v, data.height(), data.width())),
        of(data.test(), data.height(), data.width()),
        data.height(),
        data.width(),
        data.classes());
  }

  private static DataSet of(DataSet part, int height, int width) {
    return new DataSet(of(part.getFeatures(), height, width), part.getLabels());
  }

  /**
   * The row sequences of flattened images.
   *
   * @param images {@code [n, height * width]}, each row an image in row-major order
   * @return a new {@code [n, width, height]} array in C order: {@code [k, c, r]} is {@code
   *     images[k, r * width + c]}
   * @throws IllegalArgumentException when {@code images} is not {@code [n, height * width]}
   */
  static INDArray of(INDArray images, int height, int width) {
    if (images.rank() != 2 || images.size(1) != (long) height * width) {
      throw new IllegalArgumentException(
          "images must be [n, "
              + (long) height * width
              + "] for "
              + height
              + "x"
              + width
              + " images, got "
              + Arrays.toString(images.shape()));
    }
    return images.reshape('c', images.size(0), height, width).permute(0, 2, 1).dup('c');
  }
}

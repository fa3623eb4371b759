package org.dp4j.cli;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017, MIT licence) from its four IDX files, gzipped or
 * not, as Debian's {@code dataset-fashion-mnist} installs them under {@code
 * /usr/share/datasets/fashion-mnist}: 60,000 training and 10,000 test images of 28x28 pixels.
 */
final class FashionMnistDataset {

  /** Where Debian's package puts the files. */
  static final String DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

  private static final int IMAGE_MAGIC = 0x00000803;
  private static final int LABEL_MAGIC = 0x00000801;
  private static final int CLASSES = 10;

  private FashionMnistDataset() {}

  /**
   * Reads the training and test sets from {@code dir}.
   *
   * @throws UserError naming the missing file and how to get it, or a malformed file
   */
  static TrainingData load(Path dir) {
    try {
      float[][] trainX = images(find(dir, "train-images-idx3-ubyte"));
      float[][] trainY = labels(find(dir, "train-labels-idx1-ubyte"), trainX.length);
      float[][] testX = images(find(dir, "t10k-images-idx3-ubyte"));
      float[][] testY = labels(find(dir, "t10k-labels-idx1-ubyte"), testX.length);
      return new TrainingData(
          "fashion-mnist",
          new DataSet(Nd4j.createFromArray(trainX), Nd4j.createFromArray(trainY)),
          new DataSet(Nd4j.createFromArray(testX), Nd4j.createFromArray(testY)),
          28,
          28,
          CLASSES);
    } catch (IOException e) {
      throw new UserError("--data-dir " + dir + ": cannot read Fashion-MNIST: " + e.getMessage());
    }
  }

  private static Path find(Path dir, String name) {
    for (String candidate : new String[] {name + ".gz", name}) {
      Path p = dir.resolve(candidate);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new UserError(
        "--data-dir must contain the Fashion-MNIST file "
            + name
            + "[.gz], got "
            + dir
            + " without it (on Debian: apt-get install dataset-fashion-mnist, then --data-dir "
            + DEBIAN_DIR
            + ")");
  }

  private static DataInputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    if (file.getFileName().toString().endsWith(".gz")) {
      in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    }
    return new DataInputStream(in);
  }

  private static float[][] images(Path file) throws IOException {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != IMAGE_MAGIC) {
        throw new UserError(
            file
                + " must be an IDX image file (magic 0x803), got magic 0x"
                + Integer.toHexString(magic));
      }
      int n = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (rows != 28 || cols != 28 || n <= 0) {
        throw new UserError(
            file + " must hold 28x28 images, got " + n + " of " + rows + "x" + cols);
      }
      byte[] buffer = new byte[rows * cols];
      float[][] out = new float[n][rows * cols];
      for (int i = 0; i < n; i++) {
        in.readFully(buffer);
        for (int j = 0; j < buffer.length; j++) {
          out[i][j] = (buffer[j] & 0xff) / 255f;
        }
      }
      return out;
    }
  }

  private static float[][] labels(Path file, int expected) throws IOException {
    try (DataInputStream in = open(file)) {
      int magic = in.readInt();
      if (magic != LABEL_MAGIC) {
        throw new UserError(
            file
                + " must be an IDX label file (magic 0x801), got magic 0x"
                + Integer.toHexString(magic));
      }
      int n = in.readInt();
      if (n != expected) {
        throw new UserError(file + " must hold " + expected + " labels, got " + n);
      }
      float[][] out = new float[n][CLASSES];
      for (int i = 0; i < n; i++) {
        int label = in.readUnsignedByte();
        if (label >= CLASSES) {
          throw new UserError(file + " labels must be in 0..9, got " + label);
        }
        out[i][label] = 1f;
      }
      return out;
    }
  }
}

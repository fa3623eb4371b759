package org.dp4j.training.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import org.dp4j.core.internal.Checks;
import org.dp4j.core.internal.SeededPermutation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The 8x8 handwritten digits, embedded in this jar: 1,797 grey-scale images of 64 pixels, each with
 * its digit 0..9. Small enough to train a private model in seconds, so it serves examples, demos
 * and tests.
 *
 * <p>The data are the test part of the UCI "Optical Recognition of Handwritten Digits" set (E.
 * Alpaydin and C. Kaynak, 1998), licensed CC BY 4.0; the attribution, which a project that ships
 * the data must keep, is {@code digits-README.md} beside {@code digits.csv.gz} in this package.
 *
 * <p>Features are the pixels divided by 16, so in {@code [0, 1]}, as a {@code [n, 64]} float matrix
 * (row-major 8x8 image); labels are one-hot, a {@code [n, 10]} float matrix. The data are read from
 * the jar on every call; the returned {@link DataSet}s are new and the caller's to change.
 */
public final class Digits {

  /** The number of examples: 1,797. */
  public static final int EXAMPLES = 1797;

  /** Image height and width in pixels: 8. */
  public static final int SIDE = 8;

  /** Features per example: 64 pixels. */
  public static final int FEATURES = SIDE * SIDE;

  /** The number of classes (digits 0..9): 10. */
  public static final int CLASSES = 10;

  private static final String RESOURCE = "digits.csv.gz";
  private static final float MAX_PIXEL = 16f;

  private Digits() {}

  /**
   * All examples in the order of the embedded file.
   *
   * @return 1,797 examples: features in {@code [0, 1]}, one-hot labels
   * @throws UncheckedIOException when the embedded file cannot be read
   */
  public static DataSet load() {
    List<float[]> rows = rows();
    int[] order = new int[rows.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    return part(rows, order, 0, order.length);
  }

  /**
   * The examples shuffled with a seeded Fisher-Yates permutation ({@link SplittableRandom} seeded
   * with {@code seed}) and split into a training part, the first {@code round(1797 *
   * trainFraction)} of them, and a test part, the rest. The split is a public choice, not private
   * data, so a seeded shuffle is fine; the same seed gives the same split on every JVM.
   *
   * @param trainFraction the share of examples in the training part, in {@code (0, 1)} and leaving
   *     at least one example in each part
   * @param seed the shuffle's seed
   * @return the training and test parts
   * @throws IllegalArgumentException when {@code trainFraction} is NaN, not in {@code (0, 1)} or
   *     leaves a part empty
   * @throws UncheckedIOException when the embedded file cannot be read
   */
  public static Split split(double trainFraction, long seed) {
    long trainSize = Math.round(EXAMPLES * trainFraction);
    Checks.require(
        trainFraction > 0 && trainFraction < 1 && trainSize >= 1 && trainSize < EXAMPLES,
        "trainFraction",
        "in (0, 1) and leave at least one example in each part",
        trainFraction);
    List<float[]> rows = rows();
    int[] order = SeededPermutation.of(rows.size(), seed);
    int cut = (int) trainSize;
    return new Split(part(rows, order, 0, cut), part(rows, order, cut, rows.size()));
  }

  /**
   * The digits split into a training and a test part.
   *
   * @param train the training part
   * @param test the test part
   */
  public record Split(DataSet train, DataSet test) {

    /**
     * Checks the parts.
     *
     * @param train the training part
     * @param test the test part
     * @throws NullPointerException when a part is null
     */
    public Split {
      Checks.notNull("train", train);
      Checks.notNull("test", test);
    }
  }

  private static List<float[]> rows() {
    List<float[]> rows = new ArrayList<>(EXAMPLES);
    try (InputStream raw = Digits.class.getResourceAsStream(RESOURCE)) {
      if (raw == null) {
        throw new UncheckedIOException(
            new IOException("embedded resource " + RESOURCE + " is missing"));
      }
      BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.US_ASCII));
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",");
        float[] row = new float[FEATURES + 1];
        for (int j = 0; j <= FEATURES; j++) {
          row[j] = Float.parseFloat(cells[j]);
        }
        rows.add(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  private static DataSet part(List<float[]> rows, int[] order, int from, int to) {
    float[][] x = new float[to - from][FEATURES];
    float[][] y = new float[to - from][CLASSES];
    for (int i = from; i < to; i++) {
      float[] row = rows.get(order[i]);
      for (int j = 0; j < FEATURES; j++) {
        x[i - from][j] = row[j] / MAX_PIXEL;
      }
      y[i - from][(int) row[FEATURES]] = 1f;
    }
    return new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(y));
  }
}

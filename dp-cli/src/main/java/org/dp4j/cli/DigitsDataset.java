package org.dp4j.cli;

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
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The embedded 8x8 digits (Alpaydin &amp; Kaynak 1998, UCI, CC BY 4.0; see {@code
 * datasets/digits-README.md} beside it): 1,797 rows of 64 pixels in 0..16 and a label 0..9.
 */
final class DigitsDataset {

  static final String RESOURCE = "datasets/digits.csv.gz";
  private static final int PIXELS = 64;
  private static final int CLASSES = 10;

  private DigitsDataset() {}

  /**
   * Loads the digits and splits them, after a seeded shuffle, into 80% training and 20% test.
   *
   * @param seed the shuffle's seed (the split is not private data)
   */
  static TrainingData load(long seed) {
    List<float[]> rows = new ArrayList<>();
    try (InputStream raw = DigitsDataset.class.getResourceAsStream(RESOURCE)) {
      if (raw == null) {
        throw new IllegalStateException("embedded resource " + RESOURCE + " is missing");
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
        float[] row = new float[PIXELS + 1];
        for (int j = 0; j <= PIXELS; j++) {
          row[j] = Float.parseFloat(cells[j]);
        }
        rows.add(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int n = rows.size();
    int[] order = shuffled(n, seed);
    int trainSize = (int) Math.round(n * 0.8);
    return new TrainingData(
        "digits", part(rows, order, 0, trainSize), part(rows, order, trainSize, n), 8, 8, CLASSES);
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

  private static DataSet part(List<float[]> rows, int[] order, int from, int to) {
    float[][] x = new float[to - from][PIXELS];
    float[][] y = new float[to - from][CLASSES];
    for (int i = from; i < to; i++) {
      float[] row = rows.get(order[i]);
      for (int j = 0; j < PIXELS; j++) {
        x[i - from][j] = row[j] / 16f;
      }
      y[i - from][(int) row[PIXELS]] = 1f;
    }
    return new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(y));
  }
}

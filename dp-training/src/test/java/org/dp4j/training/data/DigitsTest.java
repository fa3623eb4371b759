package org.dp4j.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.dataset.DataSet;

/** The embedded digits: size, scaling, labels, and the seeded split. */
class DigitsTest {

  /** Examples per digit 0..9 in the UCI test part (the counts scikit-learn's copy has). */
  private static final int[] PER_CLASS = {178, 182, 177, 183, 181, 182, 181, 179, 174, 180};

  @Test
  void loadsEveryExampleScaledWithOneHotLabels() {
    DataSet all = Digits.load();
    assertArrayEquals(new long[] {1797, 64}, all.getFeatures().shape());
    assertArrayEquals(new long[] {1797, 10}, all.getLabels().shape());
    float[][] x = all.getFeatures().toFloatMatrix();
    float[][] y = all.getLabels().toFloatMatrix();
    int[] perClass = new int[10];
    for (int i = 0; i < x.length; i++) {
      for (float pixel : x[i]) {
        // Pixels are integers 0..16 divided by 16: exact in float.
        assertTrue(pixel >= 0 && pixel <= 1 && pixel * 16 == Math.rint(pixel * 16), "" + pixel);
      }
      int label = -1;
      for (int c = 0; c < 10; c++) {
        assertTrue(y[i][c] == 0 || y[i][c] == 1, "row " + i);
        if (y[i][c] == 1) {
          assertEquals(-1, label, "row " + i + " has two labels");
          label = c;
        }
      }
      assertTrue(label >= 0, "row " + i + " has no label");
      perClass[label]++;
    }
    assertArrayEquals(PER_CLASS, perClass);
    // The first image of the file is a 0 (its first row of pixels: 0 0 5 13 9 1 0 0).
    assertEquals(1f, y[0][0]);
    assertArrayEquals(
        new float[] {0, 0, 5 / 16f, 13 / 16f, 9 / 16f, 1 / 16f, 0, 0},
        Arrays.copyOfRange(x[0], 0, 8));
  }

  @Test
  void splitIsASeededPermutationOfAllExamples() {
    Digits.Split split = Digits.split(0.8, 42);
    assertEquals(1438, split.train().numExamples()); // round(1797 * 0.8)
    assertEquals(359, split.test().numExamples());

    List<float[]> parts = new ArrayList<>(rows(split.train()));
    parts.addAll(rows(split.test()));
    assertEquals(sorted(rows(Digits.load())), sorted(parts));

    Digits.Split again = Digits.split(0.8, 42);
    assertEquals(split.train().getFeatures(), again.train().getFeatures());
    assertEquals(split.test().getLabels(), again.test().getLabels());
    Digits.Split other = Digits.split(0.8, 43);
    assertFalse(split.train().getFeatures().equals(other.train().getFeatures()));
  }

  @Test
  void smallestAndLargestFractionsLeaveOneExampleInAPart() {
    assertEquals(1, Digits.split(0.5 / 1797 + 1e-9, 1).train().numExamples());
    assertEquals(1, Digits.split(1 - 0.5 / 1797 - 1e-9, 1).test().numExamples());
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {
        Double.NaN,
        Double.NEGATIVE_INFINITY,
        -0.5,
        0,
        1e-4,
        0.9999,
        1,
        1.5,
        Double.POSITIVE_INFINITY
      })
  void rejectsAFractionThatLeavesAPartEmpty(double fraction) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Digits.split(fraction, 7));
    assertEquals(
        "trainFraction must be in (0, 1) and leave at least one example in each part, got "
            + fraction,
        e.getMessage());
  }

  private static List<float[]> rows(DataSet data) {
    float[][] x = data.getFeatures().toFloatMatrix();
    float[][] y = data.getLabels().toFloatMatrix();
    List<float[]> rows = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      float[] row = Arrays.copyOf(x[i], 74);
      System.arraycopy(y[i], 0, row, 64, 10);
      rows.add(row);
    }
    return rows;
  }

  private static List<String> sorted(List<float[]> rows) {
    return rows.stream()
        .sorted(Comparator.comparing(Arrays::toString))
        .map(Arrays::toString)
        .toList();
  }
}

package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link SequenceAffine} against per-example gradients {@code G_i = sum_t a_t^T delta_t} formed
 * explicitly in double: both norm methods, with and without bias, and clipped sums with skipped
 * examples.
 */
class SequenceAffineTest {

  /** Float products against a double reference: rounding far below this. */
  private static final double TOLERANCE = 1e-5;

  @ParameterizedTest(name = "B {0}, T {1}, in {2}, out {3}, bias {4}")
  @CsvSource({
    "5, 4, 3, 6, true",
    "5, 4, 3, 6, false",
    "3, 1, 7, 2, true",
    "4, 9, 2, 3, true",
    "1, 6, 5, 5, false"
  })
  void bothNormMethodsEqualTheExplicitGradients(
      int batch, int steps, int in, int out, boolean bias) {
    SplittableRandom random = new SplittableRandom(batch * 1000L + steps * 100L + in * 10L + out);
    INDArray a = gaussian(random, batch, steps, in);
    INDArray delta = gaussian(random, batch, steps, out);
    double[] expected = new double[batch];
    for (int i = 0; i < batch; i++) {
      double[][] g = gradient(a, delta, i);
      for (double[] row : g) {
        for (double v : row) {
          expected[i] += v * v;
        }
      }
      if (bias) {
        for (double v : biasGradient(delta, i)) {
          expected[i] += v * v;
        }
      }
    }
    for (SequenceAffine.Choice choice : SequenceAffine.Choice.values()) {
      double[] actual = new double[batch];
      SequenceAffine.addSquaredNorms(a, delta, bias, choice, actual);
      for (int i = 0; i < batch; i++) {
        assertEquals(expected[i], actual[i], TOLERANCE * expected[i], choice + " example " + i);
      }
    }
  }

  @Test
  void ghostNormsCancelInDouble() {
    // Two steps whose outer products cancel exactly: a_2 = -a_1 with equal deltas, so G = 0.
    INDArray a = Nd4j.createFromArray(new float[] {3, 4, -3, -4}).reshape(1, 2, 2);
    INDArray delta = Nd4j.createFromArray(new float[] {1, 1}).reshape(1, 2, 1);
    double[] actual = new double[1];
    SequenceAffine.addSquaredNorms(a, delta, false, SequenceAffine.Choice.GHOST, actual);
    assertEquals(0.0, actual[0], 0.0);
  }

  @Test
  void choiceFollowsTheShapes() {
    assertEquals(SequenceAffine.Choice.GHOST, SequenceAffine.choice(8, 64, 64));
    assertEquals(SequenceAffine.Choice.LAYERWISE, SequenceAffine.choice(64, 8, 8));
    assertEquals(SequenceAffine.Choice.LAYERWISE, SequenceAffine.choice(4, 4, 8)); // 32 = 32
  }

  @ParameterizedTest(name = "bias {0}")
  @CsvSource({"true", "false"})
  void clippedSumsWeightEachExampleAndSkipNonFiniteOnes(boolean bias) {
    int batch = 4;
    int steps = 3;
    int in = 5;
    int out = 2;
    SplittableRandom random = new SplittableRandom(77);
    INDArray a = gaussian(random, batch, steps, in);
    INDArray delta = gaussian(random, batch, steps, out);
    a.putScalar(new long[] {2, 1, 3}, Float.NaN); // example 2 is skipped with factor 0
    delta.putScalar(new long[] {2, 0, 1}, Float.POSITIVE_INFINITY);
    INDArray aBefore = a.dup();
    INDArray deltaBefore = delta.dup();
    float[] factors = {0.5f, 1f, 0f, 0.25f};
    INDArray weights = Nd4j.create(DataType.FLOAT, new long[] {in, out}, 'f');
    INDArray biases = bias ? Nd4j.create(DataType.FLOAT, out) : null;
    long written =
        SequenceAffine.addClippedSum(a, delta, new ClipFactors(factors), weights, biases);
    assertEquals(in * out + (bias ? out : 0), written);
    double[][] expected = new double[in][out];
    double[] expectedBias = new double[out];
    for (int i = 0; i < batch; i++) {
      if (factors[i] == 0f) {
        continue;
      }
      double[][] g = gradient(a, delta, i);
      double[] gb = biasGradient(delta, i);
      for (int r = 0; r < in; r++) {
        for (int c = 0; c < out; c++) {
          expected[r][c] += factors[i] * g[r][c];
        }
      }
      for (int c = 0; c < out; c++) {
        expectedBias[c] += factors[i] * gb[c];
      }
    }
    for (int r = 0; r < in; r++) {
      for (int c = 0; c < out; c++) {
        assertEquals(expected[r][c], weights.getDouble(r, c), 1e-5, "W[" + r + "," + c + "]");
      }
    }
    if (bias) {
      for (int c = 0; c < out; c++) {
        assertEquals(expectedBias[c], biases.getDouble(c), 1e-5, "b[" + c + "]");
      }
    }
    assertTrue(sameValues(a, aBefore), "inputs unchanged");
    assertTrue(sameValues(delta, deltaBefore), "deltas unchanged");
  }

  @Test
  void mismatchedShapesAreRefused() {
    INDArray a = Nd4j.zeros(DataType.FLOAT, 2, 3, 4);
    INDArray delta = Nd4j.zeros(DataType.FLOAT, 2, 4, 5);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SequenceAffine.addSquaredNorms(a, delta, true, new double[2]));
    assertTrue(e.getMessage().contains("[2, 3, 4] and [2, 4, 5]"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> SequenceAffine.addSquaredNorms(a, Nd4j.zeros(2, 3, 5), true, new double[3]));
  }

  private static boolean sameValues(INDArray x, INDArray y) {
    double[] u = x.castTo(DataType.DOUBLE).data().asDouble();
    double[] v = y.castTo(DataType.DOUBLE).data().asDouble();
    for (int k = 0; k < u.length; k++) {
      if (Double.compare(u[k], v[k]) != 0) {
        return false;
      }
    }
    return true;
  }

  private static INDArray gaussian(SplittableRandom random, int batch, int steps, int width) {
    float[] values = new float[batch * steps * width];
    for (int k = 0; k < values.length; k++) {
      values[k] = (float) (random.nextDouble() * 2 - 1);
    }
    return Nd4j.createFromArray(values).reshape('c', batch, steps, width);
  }

  private static double[][] gradient(INDArray a, INDArray delta, int example) {
    int steps = (int) a.size(1);
    int in = (int) a.size(2);
    int out = (int) delta.size(2);
    double[][] g = new double[in][out];
    for (int t = 0; t < steps; t++) {
      for (int r = 0; r < in; r++) {
        for (int c = 0; c < out; c++) {
          g[r][c] += a.getDouble(example, t, r) * delta.getDouble(example, t, c);
        }
      }
    }
    return g;
  }

  private static double[] biasGradient(INDArray delta, int example) {
    double[] b = new double[(int) delta.size(2)];
    for (int t = 0; t < delta.size(1); t++) {
      for (int c = 0; c < b.length; c++) {
        b[c] += delta.getDouble(example, t, c);
      }
    }
    return b;
  }
}

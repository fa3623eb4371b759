package org.dp4j.dl4j.gradients;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.Arrays;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Shapes and masks of sequence data in DL4J's {@code NCW} layout ({@code [B, C, T]}: example,
 * feature, time step), as the recurrent rules read them.
 */
final class Sequences {

  private Sequences() {}

  /**
   * Checks a recurrent layer's input: rank 3, {@code nIn} features, and a {@code [B, T]} mask or
   * none.
   */
  static void checkInput(LayerSite site, INDArray input, long nIn, INDArray mask) {
    String name = site.first() ? "features" : "the input of " + site.label();
    Checks.require(input.rank() == 3, name + ".rank()", "3 ([B, nIn, T])", input.rank());
    Checks.require(input.size(1) == nIn, name + ".size(1)", "nIn = " + nIn, input.size(1));
    if (mask != null) {
      Checks.require(
          mask.rank() == 2 && mask.size(0) == input.size(0) && mask.size(1) == input.size(2),
          "the features mask's shape",
          "[B, T] = [" + input.size(0) + ", " + input.size(2) + "]",
          Arrays.toString(mask.shape()));
    }
  }

  /** {@code [B, C, T] -> [B, T, C]}: the time steps of each example as rows, a fresh array. */
  static INDArray stepRows(INDArray sequence, DataType type) {
    return sequence.castTo(type).permute(0, 2, 1).dup('c');
  }

  /** {@code [B, C, T]} with its time axis reversed, a fresh array (DL4J's reverseTimeSeries). */
  static INDArray reverse(INDArray sequence) {
    long time = sequence.size(2);
    INDArray out = Nd4j.create(sequence.dataType(), sequence.shape(), 'c');
    for (long t = 0; t < time; t++) {
      out.get(all(), all(), point(time - 1 - t)).assign(sequence.get(all(), all(), point(t)));
    }
    return out;
  }

  /** A {@code [B, T]} mask with its time axis reversed, or null for null. */
  static INDArray reverseMask(INDArray mask) {
    if (mask == null) {
      return null;
    }
    long time = mask.size(1);
    INDArray out = Nd4j.create(mask.dataType(), mask.shape(), 'c');
    for (long t = 0; t < time; t++) {
      out.getColumn(time - 1 - t).assign(mask.getColumn(t));
    }
    return out;
  }

  /**
   * Each example's last present step: the last {@code t} with {@code mask[i, t] != 0}, or {@code T
   * - 1} for every example without a mask (DL4J's {@code TimeSeriesUtils.pullLastTimeSteps}).
   *
   * @throws IllegalArgumentException when an example has no present step
   */
  static int[] lastPresentSteps(INDArray mask, int batch, int time) {
    int[] last = new int[batch];
    if (mask == null) {
      Arrays.fill(last, time - 1);
      return last;
    }
    double[][] rows = mask.castTo(DataType.DOUBLE).toDoubleMatrix();
    for (int i = 0; i < batch; i++) {
      int t = time - 1;
      while (t >= 0 && rows[i][t] == 0.0) {
        t--;
      }
      Checks.require(t >= 0, "features mask row " + i, "at least one present step", "all zero");
      last[i] = t;
    }
    return last;
  }
}

package org.dp4j.dl4j.gradients;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.Arrays;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Layout changes of sequence data between DL4J's {@code NCW} arrays {@code [B, C, T]} (channels
 * before time steps, as the rules pass them on) and the step rows {@code [B * T, C]} that dense
 * maps and loss functions work on. Row {@code i * T + t} of the step rows is example {@code i}'s
 * step {@code t}, so example {@code i}'s rows are one contiguous block. Also the checks, time
 * reversals and last present steps of sequences and their masks that the rules share.
 */
final class TimeSteps {

  private TimeSteps() {}

  /** {@code [B, C, T]} as a fresh {@code 'c'} array {@code [B, T, C]} of {@code type}. */
  static INDArray stepsMajor(INDArray ncw, DataType type) {
    return ncw.castTo(type).permute(0, 2, 1).dup('c');
  }

  /** The step rows {@code [B * T, C]} of a {@code 'c'} array {@code [B, T, C]} (a view). */
  static INDArray rows(INDArray stepsMajor) {
    long[] s = stepsMajor.shape();
    return stepsMajor.reshape('c', s[0] * s[1], s[2]);
  }

  /** The step rows {@code [B * T, C]} of {@code [B, C, T]}, a fresh array of {@code type}. */
  static INDArray stepRows(INDArray ncw, DataType type) {
    return rows(stepsMajor(ncw, type));
  }

  /** Step rows {@code [B * T, C]} back to a fresh {@code 'c'} array {@code [B, C, T]}. */
  static INDArray channelsFirst(INDArray rows, long batch, long steps) {
    return rows.dup('c').reshape('c', batch, steps, rows.size(1)).permute(0, 2, 1).dup('c');
  }

  /**
   * A per-time-step mask {@code [B, T]} as a column {@code [B * T, 1]} of {@code type} in the order
   * of {@link #rows}.
   */
  static INDArray maskColumn(INDArray mask, DataType type) {
    return mask.castTo(type).dup('c').reshape('c', mask.length(), 1);
  }

  /**
   * Checks that {@code mask} (when not null) is a {@code [B, T]} per-time-step mask of a sequence
   * input {@code [B, C, T]}.
   *
   * @param rule the rule's name for the message, e.g. {@code "layer 0 (DenseLayer)"}
   */
  static void checkMask(INDArray mask, INDArray input, String rule) {
    if (mask == null) {
      return;
    }
    Checks.require(
        mask.rank() == 2 && mask.size(0) == input.size(0) && mask.size(1) == input.size(2),
        "the features mask of " + rule,
        "[B, T] = [" + input.size(0) + ", " + input.size(2) + "]",
        Arrays.toString(mask.shape()));
  }

  /** Checks that {@code input} is a sequence {@code [B, C, T]} for {@code rule}. */
  static void checkSequence(INDArray input, String rule) {
    Checks.require(
        input.rank() == 3,
        "the input of " + rule,
        "a sequence [B, C, T] (rank 3)",
        Arrays.toString(input.shape()));
  }

  /**
   * Checks a recurrent layer's input: rank 3, {@code nIn} features, and a {@code [B, T]} mask or
   * none.
   */
  static void checkInput(LayerSite site, INDArray input, long nIn, INDArray mask) {
    String name = site.first() ? "features" : "the input of " + site.label();
    Checks.require(input.rank() == 3, name + ".rank()", "3 ([B, nIn, T])", input.rank());
    Checks.require(input.size(1) == nIn, name + ".size(1)", "nIn = " + nIn, input.size(1));
    checkMask(mask, input, site.name());
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

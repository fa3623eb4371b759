package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * The per-time-step loss of {@code RnnOutputLayer} and {@code RnnLossLayer} on a sequence output
 * {@code [B, nOut, T]}: as DL4J's {@code computeScoreForExamples} and {@code backpropGradient}
 * compute it, the output and the labels become step rows {@code [B * T, nOut]}, the loss function
 * applies the activation and the mask (a per-step column {@code [B * T, 1]}, or per-output rows
 * {@code [B * T, nOut]}) to each row, and example {@code i}'s loss is the sum over its steps.
 * Nothing mixes examples.
 *
 * @param function the loss function
 * @param activation the activation the loss applies to the output first
 * @param fallbackMask the mask used when the labels have none: the per-step mask of the layer's
 *     input for an {@code RnnLossLayer} (DL4J sets it from the features mask), null for an {@code
 *     RnnOutputLayer} (DL4J masks its loss by the labels mask only)
 */
record SequenceLoss(ILossFunction function, IActivation activation, INDArray fallbackMask)
    implements LayerRule.Loss {

  @Override
  public double[] exampleLosses(INDArray labels, INDArray output, INDArray labelsMask) {
    int batch = Math.toIntExact(output.size(0));
    long steps = output.size(2);
    DataType type = output.dataType();
    INDArray scores =
        function.computeScoreArray(
            labelRows(labels, output),
            TimeSteps.stepRows(output, type),
            activation,
            maskRows(labelsMask, output));
    INDArray perStep = scores.castTo(DataType.DOUBLE).reshape('c', batch, steps);
    double[] losses = new double[batch];
    for (int i = 0; i < batch; i++) {
      double s = 0;
      for (long t = 0; t < steps; t++) {
        s += perStep.getDouble(i, t);
      }
      losses[i] = s;
    }
    return losses;
  }

  @Override
  public INDArray gradient(INDArray labels, INDArray output, INDArray labelsMask) {
    long batch = output.size(0);
    long steps = output.size(2);
    INDArray rows =
        function.computeGradient(
            labelRows(labels, output),
            TimeSteps.stepRows(output, output.dataType()),
            activation,
            maskRows(labelsMask, output));
    return TimeSteps.channelsFirst(rows, batch, steps);
  }

  private static INDArray labelRows(INDArray labels, INDArray output) {
    Checks.require(
        Arrays.equals(labels.shape(), output.shape()),
        "labels.shape()",
        "the output's shape " + Arrays.toString(output.shape()) + " ([B, nOut, T])",
        Arrays.toString(labels.shape()));
    return TimeSteps.stepRows(labels, output.dataType());
  }

  /** The mask as the loss function takes it, or null for none. */
  private INDArray maskRows(INDArray labelsMask, INDArray output) {
    INDArray mask = labelsMask != null ? labelsMask : fallbackMask;
    if (mask == null) {
      return null;
    }
    long batch = output.size(0);
    long steps = output.size(2);
    if (mask.rank() == 2) {
      Checks.require(
          mask.size(0) == batch && mask.size(1) == steps,
          "the labels mask",
          "[B, T] = [" + batch + ", " + steps + "] or [B, nOut, T]",
          Arrays.toString(mask.shape()));
      return TimeSteps.maskColumn(mask, output.dataType());
    }
    Checks.require(
        Arrays.equals(mask.shape(), output.shape()),
        "the labels mask",
        "[B, T] = [" + batch + ", " + steps + "] or " + Arrays.toString(output.shape()),
        Arrays.toString(mask.shape()));
    return TimeSteps.stepRows(mask, output.dataType());
  }
}

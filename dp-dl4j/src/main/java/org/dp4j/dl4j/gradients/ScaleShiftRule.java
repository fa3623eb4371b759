package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link ScaleVertex} ({@code x * scale}, gradient times {@code scale}) or a {@link ShiftVertex}
 * ({@code x + shift}, gradient unchanged): a constant applied to every entry.
 *
 * @param scale the factor, 1 for a shift
 * @param shift the added constant, 0 for a scale
 */
record ScaleShiftRule(double scale, double shift) implements VertexRule {

  /** The rule of a {@link ScaleVertex}. */
  static ScaleShiftRule of(ScaleVertex vertex) {
    return new ScaleShiftRule(vertex.getScaleFactor(), 0);
  }

  /** The rule of a {@link ShiftVertex}. */
  static ScaleShiftRule of(ShiftVertex vertex) {
    return new ScaleShiftRule(1, vertex.getShiftFactor());
  }

  @Override
  public Pass forward(INDArray[] inputs, INDArray mask) {
    INDArray output = DenseLayout.copy(inputs[0]);
    if (scale != 1) {
      DenseLayout.of(output).muli(scale);
    }
    if (shift != 0) {
      DenseLayout.of(output).addi(shift);
    }
    return new ScaleShiftPass(output, scale);
  }

  private record ScaleShiftPass(INDArray output, double scale) implements Pass {

    @Override
    public INDArray[] backward(INDArray outputGradient, boolean[] inputGradientsNeeded) {
      if (!inputGradientsNeeded[0]) {
        return new INDArray[1];
      }
      if (scale != 1) {
        DenseLayout.of(outputGradient).muli(scale);
      }
      return new INDArray[] {outputGradient};
    }
  }
}

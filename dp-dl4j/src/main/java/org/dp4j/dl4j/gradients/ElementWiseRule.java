package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An {@link ElementWiseVertex} over inputs of one shape: {@code Add}, {@code Subtract} (two
 * inputs), {@code Product}, {@code Average} or {@code Max}, entry by entry, so each example's
 * output depends on its own inputs only. The backward pass is the derivative of each op: the
 * gradient itself (add), its negation for the second input (subtract), the gradient times the other
 * inputs (product), divided by the input count (average), and for max the gradient where an input
 * holds the maximum (the first such input on ties, as DL4J's {@code mergemaxindex}). Inputs of
 * different shapes (DL4J's broadcasting) are refused.
 *
 * @param label how messages name the vertex
 * @param op the operation
 */
record ElementWiseRule(String label, ElementWiseVertex.Op op) implements VertexRule {

  @Override
  public Pass forward(INDArray[] inputs, INDArray mask) {
    for (int k = 1; k < inputs.length; k++) {
      Checks.require(
          inputs[k].equalShapes(inputs[0]),
          "input " + k + " of " + label,
          "of the shape of input 0 " + Arrays.toString(inputs[0].shape()),
          Arrays.toString(inputs[k].shape()));
    }
    Checks.require(
        op != ElementWiseVertex.Op.Subtract || inputs.length == 2,
        "the inputs of " + label,
        "two for Subtract",
        inputs.length);
    INDArray output = uninitializedLike(inputs[0]).assign(inputs[0]);
    INDArray[] firstMax = null;
    switch (op) {
      case Add, Average -> {
        for (int k = 1; k < inputs.length; k++) {
          output.addi(inputs[k]);
        }
        if (op == ElementWiseVertex.Op.Average) {
          output.divi(inputs.length);
        }
      }
      case Subtract -> output.subi(inputs[1]);
      case Product -> {
        for (int k = 1; k < inputs.length; k++) {
          output.muli(inputs[k]);
        }
      }
      case Max -> {
        for (int k = 1; k < inputs.length; k++) {
          output = Transforms.max(output, inputs[k], false);
        }
        firstMax = firstMaxima(inputs, output);
      }
      default -> throw new IllegalStateException("no rule for op " + op);
    }
    return new ElementWisePass(output, inputs, op, firstMax);
  }

  /** Per input, 1 where it is the first input that holds the maximum, else 0. */
  private static INDArray[] firstMaxima(INDArray[] inputs, INDArray max) {
    INDArray[] indicators = new INDArray[inputs.length];
    INDArray claimed = Nd4j.zeros(max.dataType(), max.shape());
    for (int k = 0; k < inputs.length; k++) {
      INDArray equal = inputs[k].eq(max).castTo(max.dataType());
      indicators[k] = equal.muli(claimed.rsub(1.0));
      claimed.addi(indicators[k]);
    }
    return indicators;
  }

  /**
   * A new array of {@code a}'s shape and type, channels-last when {@code a} is a channels-last
   * buffer seen as {@code [B, C, H, W]} (what the convolution rules hand on), so that the next
   * convolution reads it without a transpose.
   */
  static INDArray uninitializedLike(INDArray a) {
    if (a.rank() == 4 && HostFloats.isDense(a.permute(0, 2, 3, 1))) {
      return Nd4j.createUninitialized(
              a.dataType(), new long[] {a.size(0), a.size(2), a.size(3), a.size(1)}, 'c')
          .permute(0, 3, 1, 2);
    }
    return Nd4j.createUninitialized(a.dataType(), a.shape(), 'c');
  }

  private record ElementWisePass(
      INDArray output, INDArray[] inputs, ElementWiseVertex.Op op, INDArray[] firstMax)
      implements Pass {

    @Override
    public INDArray[] backward(INDArray outputGradient, boolean[] inputGradientsNeeded) {
      int n = inputs.length;
      INDArray[] gradients = new INDArray[n];
      boolean given = false; // whether outputGradient itself was handed out
      for (int k = 0; k < n; k++) {
        if (!inputGradientsNeeded[k]) {
          continue;
        }
        gradients[k] =
            switch (op) {
              case Add -> given ? outputGradient.dup() : outputGradient;
              case Subtract -> k == 0 ? outputGradient : outputGradient.neg();
              case Average -> outputGradient.div(n);
              case Product -> productOfOthers(outputGradient, k);
              case Max -> outputGradient.mul(firstMax[k]);
            };
        given |= op == ElementWiseVertex.Op.Add;
      }
      return gradients;
    }

    private INDArray productOfOthers(INDArray outputGradient, int k) {
      INDArray gradient = outputGradient.dup();
      for (int j = 0; j < inputs.length; j++) {
        if (j != k) {
          gradient.muli(inputs[j]);
        }
      }
      return gradient;
    }
  }
}

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
    // On the dense views when every input is laid out as the first, else on the inputs.
    boolean dense = true;
    for (INDArray input : inputs) {
      dense &= DenseLayout.same(input, inputs[0]);
    }
    INDArray[] work = new INDArray[inputs.length];
    for (int k = 0; k < inputs.length; k++) {
      work[k] = dense ? DenseLayout.of(inputs[k]) : inputs[k];
    }
    INDArray output = work[0].dup('c');
    INDArray[] firstMax = null;
    switch (op) {
      case Add, Average -> {
        for (int k = 1; k < work.length; k++) {
          output.addi(work[k]);
        }
        if (op == ElementWiseVertex.Op.Average) {
          output.divi(work.length);
        }
      }
      case Subtract -> output.subi(work[1]);
      case Product -> {
        for (int k = 1; k < work.length; k++) {
          output.muli(work[k]);
        }
      }
      case Max -> {
        for (int k = 1; k < work.length; k++) {
          output = Transforms.max(output, work[k], false);
        }
        firstMax = firstMaxima(work, output);
        for (int k = 0; k < firstMax.length; k++) {
          firstMax[k] = dense ? DenseLayout.back(firstMax[k], inputs[0]) : firstMax[k];
        }
      }
      default -> throw new IllegalStateException("no rule for op " + op);
    }
    output = dense ? DenseLayout.back(output, inputs[0]) : output;
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
              case Add -> given ? DenseLayout.copy(outputGradient) : outputGradient;
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

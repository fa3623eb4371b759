package org.dp4j.dl4j.gradients;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link LastTimeStepVertex}: each example's last present step of a {@code [B, C, T]} sequence,
 * {@code [B, C]}, by the features mask of the network input, as DL4J reads it (the vertex's mask
 * input; the last step for every example without a mask). The backward pass puts each example's
 * gradient back at that step of a zero sequence gradient. The output has no time axis, so no mask.
 *
 * @param label how messages name the vertex
 * @param inputMask the network input's features mask {@code [B, T]}, or null
 */
record LastTimeStepVertexRule(String label, INDArray inputMask) implements VertexRule {

  @Override
  public Pass forward(INDArray[] inputs, INDArray mask) {
    INDArray sequence = inputs[0];
    Checks.require(
        sequence.rank() == 3,
        "the input of " + label,
        "a [B, C, T] sequence",
        Arrays.toString(sequence.shape()));
    int batch = (int) sequence.size(0);
    int time = (int) sequence.size(2);
    int[] last = TimeSteps.lastPresentSteps(inputMask, batch, time);
    INDArray output = Nd4j.create(sequence.dataType(), batch, sequence.size(1));
    for (int i = 0; i < batch; i++) {
      output.getRow(i).assign(sequence.get(point(i), all(), point(last[i])));
    }
    long[] shape = sequence.shape();
    return new Pass() {
      @Override
      public INDArray output() {
        return output;
      }

      @Override
      public INDArray[] backward(INDArray outputGradient, boolean[] inputGradientsNeeded) {
        if (!inputGradientsNeeded[0]) {
          return new INDArray[1];
        }
        INDArray gradient = Nd4j.zeros(outputGradient.dataType(), shape);
        for (int i = 0; i < batch; i++) {
          gradient.get(point(i), all(), point(last[i])).assign(outputGradient.getRow(i));
        }
        return new INDArray[] {gradient};
      }
    };
  }

  /** The time axis is gone: the output has no mask. */
  @Override
  public INDArray outputMask(INDArray mask) {
    return null;
  }
}

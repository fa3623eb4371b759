package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A {@link SubsetVertex}: entries {@code from} to {@code to} (inclusive) of axis 1 (features or
 * channels), of each example; the backward pass puts the gradient back into those entries of a zero
 * input gradient.
 *
 * @param label how messages name the vertex
 * @param from the first entry
 * @param to the last entry, inclusive
 */
record SubsetRule(String label, int from, int to) implements VertexRule {

  @Override
  public Pass forward(INDArray[] inputs, INDArray mask) {
    INDArray input = inputs[0];
    Checks.require(
        input.rank() >= 2 && to < input.size(1),
        "the input of " + label,
        "of rank >= 2 with more than " + to + " entries along axis 1",
        Arrays.toString(input.shape()));
    INDArrayIndex[] slice = slice(input.rank(), from, to);
    return new SubsetPass(input.get(slice).dup('c'), input.shape(), slice);
  }

  private static INDArrayIndex[] slice(int rank, int from, int to) {
    INDArrayIndex[] slice = new INDArrayIndex[rank];
    Arrays.fill(slice, NDArrayIndex.all());
    slice[1] = NDArrayIndex.interval(from, to + 1);
    return slice;
  }

  private record SubsetPass(INDArray output, long[] inputShape, INDArrayIndex[] slice)
      implements Pass {

    @Override
    public INDArray[] backward(INDArray outputGradient, boolean[] inputGradientsNeeded) {
      if (!inputGradientsNeeded[0]) {
        return new INDArray[1];
      }
      INDArray gradient = Nd4j.zeros(outputGradient.dataType(), inputShape);
      gradient.get(slice).assign(outputGradient);
      return new INDArray[] {gradient};
    }
  }
}

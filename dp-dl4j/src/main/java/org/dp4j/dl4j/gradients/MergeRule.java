package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import java.util.Optional;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A {@link MergeVertex}: its inputs concatenated along a non-batch axis (DL4J's default axis 1, the
 * features or channels), each example's rows with its own; the backward pass hands each input its
 * slice of the gradient. A merge along axis 0 would stack examples and is refused.
 *
 * @param label how messages name the vertex
 * @param axis the merge axis
 */
record MergeRule(String label, int axis) implements VertexRule {

  @Override
  public Optional<String> unsupportedReason() {
    return axis >= 1
        ? Optional.empty()
        : Optional.of(
            "merges along axis "
                + axis
                + ", which stacks the examples of a batch; only axes >= 1 are supported");
  }

  @Override
  public Pass forward(INDArray[] inputs, INDArray mask) {
    if (inputs.length == 1) {
      return new MergePass(inputs[0], new long[] {inputs[0].size(axis)}, axis);
    }
    long[] sizes = new long[inputs.length];
    for (int k = 0; k < inputs.length; k++) {
      Checks.require(
          inputs[k].rank() > axis && inputs[k].size(0) == inputs[0].size(0),
          "input " + k + " of " + label,
          "of rank above the merge axis " + axis + " with batch size " + inputs[0].size(0),
          Arrays.toString(inputs[k].shape()));
      sizes[k] = inputs[k].size(axis);
    }
    return new MergePass(Nd4j.concat(axis, inputs), sizes, axis);
  }

  /** The concatenation, and each input's size along the axis. */
  private record MergePass(INDArray output, long[] sizes, int axis) implements Pass {

    @Override
    public INDArray[] backward(INDArray outputGradient, boolean[] inputGradientsNeeded) {
      INDArray[] gradients = new INDArray[sizes.length];
      if (sizes.length == 1) {
        gradients[0] = inputGradientsNeeded[0] ? outputGradient : null;
        return gradients;
      }
      long from = 0;
      for (int k = 0; k < sizes.length; k++) {
        if (inputGradientsNeeded[k]) {
          INDArrayIndex[] slice = new INDArrayIndex[outputGradient.rank()];
          Arrays.fill(slice, NDArrayIndex.all());
          slice[axis] = NDArrayIndex.interval(from, from + sizes[k]);
          gradients[k] = outputGradient.get(slice).dup('c');
        }
        from += sizes[k];
      }
      return gradients;
    }
  }
}

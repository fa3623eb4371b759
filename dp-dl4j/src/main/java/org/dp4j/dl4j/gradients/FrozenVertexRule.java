package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.conf.graph.FrozenVertex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@link FrozenVertex} (transfer learning's wrapper of a vertex without a layer) around a vertex
 * with a rule: the forward pass is the underlying vertex's; no gradient passes through it, as DL4J
 * skips it in the backward pass, so the vertices feeding it get a zero gradient (in practice they
 * are frozen too, and then no gradient is asked for).
 *
 * @param underlying the rule of the wrapped vertex
 */
record FrozenVertexRule(VertexRule underlying) implements VertexRule {

  @Override
  public Optional<String> unsupportedReason() {
    return underlying.unsupportedReason();
  }

  @Override
  public INDArray outputMask(INDArray mask) {
    return underlying.outputMask(mask);
  }

  @Override
  public Pass forward(INDArray[] inputs, INDArray mask) {
    Pass pass = underlying.forward(inputs, mask);
    return new Pass() {
      @Override
      public INDArray output() {
        return pass.output();
      }

      @Override
      public INDArray[] backward(INDArray outputGradient, boolean[] inputGradientsNeeded) {
        INDArray[] gradients = new INDArray[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
          if (inputGradientsNeeded[k]) {
            gradients[k] = Nd4j.zeros(inputs[k].dataType(), inputs[k].shape());
          }
        }
        return gradients;
      }
    };
  }
}

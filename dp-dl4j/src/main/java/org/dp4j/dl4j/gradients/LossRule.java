package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A final {@link LossLayer} after another layer: no parameters; its loss (any activation and loss
 * function) reads its input, and the loss gradient is the input gradient.
 */
record LossRule(LayerSite site, LossLayer config) implements LayerRule {

  static final Type TYPE =
      Type.of(
          "a final LossLayer after another layer",
          LossLayer.class,
          site -> site.last() && !site.first(),
          LossRule::new);

  @Override
  public Optional<Loss> loss() {
    return Optional.of(new RowLoss(config.getLossFn(), config.getActivationFn()));
  }

  @Override
  public Pass forward(INDArray input) {
    // A copy: the loss gradient may overwrite this output, and the input is another layer's.
    INDArray output = input.castTo(site.dataType()).dup();
    return new ParameterFreePass(output, gradient -> gradient);
  }
}

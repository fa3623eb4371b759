package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A final {@link LossLayer} after another layer: no parameters; its loss (any activation and loss
 * function) reads its input, and the loss gradient is the input gradient.
 */
final class LossRule implements LayerRule {

  static final Type TYPE = new Type("a final LossLayer after another layer",
      site -> site.last() && !site.first() && site.config().getClass() == LossLayer.class,
      LossRule::new);

  private final LayerSite site;
  private final LossLayer config;

  private LossRule(LayerSite site) {
    this.site = site;
    this.config = (LossLayer) site.config();
  }

  @Override
  public Optional<String> unsupportedReason() {
    return Optional.empty();
  }

  @Override
  public Optional<Loss> loss() {
    return Optional.of(new Loss(config.getLossFn(), config.getActivationFn()));
  }

  @Override
  public Pass forward(INDArray input) {
    // A copy: the loss gradient may overwrite this output, and the input is another layer's.
    INDArray output = input.castTo(site.dataType()).dup();
    return new ParameterFreePass(output, gradient -> gradient);
  }
}

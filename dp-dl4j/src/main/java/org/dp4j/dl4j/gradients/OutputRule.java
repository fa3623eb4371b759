package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A final {@link OutputLayer}: the dense layer {@code z = a W + b} (with or without bias; ghost
 * norms, {@link AffinePass}) whose output is {@code z}, and its loss, which applies the layer's
 * activation (any activation and loss function DL4J offers: {@code ILossFunction.computeGradient}
 * gives {@code dL_i/dz_i} per example).
 */
record OutputRule(LayerSite site, OutputLayer config) implements LayerRule {

  static final Type TYPE =
      Type.of("a final OutputLayer", OutputLayer.class, LayerSite::last, OutputRule::new);

  @Override
  public boolean hasParameters() {
    return true;
  }

  @Override
  public Optional<Loss> loss() {
    return Optional.of(new RowLoss(config.getLossFn(), config.getActivationFn()));
  }

  @Override
  public Pass forward(INDArray input) {
    return AffinePass.forward(site, input, null);
  }
}

package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link DenseLayer} {@code activation(a W + b)}, with or without bias, any activation: ghost norms
 * ({@link AffinePass}). Layer normalization is not supported.
 */
record DenseRule(LayerSite site, DenseLayer config) implements LayerRule {

  static final Type TYPE = Type.of("a DenseLayer", DenseLayer.class, site -> true, DenseRule::new);

  @Override
  public Optional<String> unsupportedReason() {
    return config.hasLayerNorm() ? Optional.of("uses layer normalization") : Optional.empty();
  }

  @Override
  public boolean hasParameters() {
    return true;
  }

  @Override
  public Pass forward(INDArray input) {
    return AffinePass.forward(site, input, config.getActivationFn());
  }
}

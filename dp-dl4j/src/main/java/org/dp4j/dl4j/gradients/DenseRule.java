package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link DenseLayer} {@code activation(a W + b)}, with or without bias, any activation: ghost norms
 * ({@link AffinePass}); with layer normalization ({@code hasLayerNorm(true)}), ghost norms for
 * {@code W} and per-example gain and bias gradients ({@link LayerNormDensePass}).
 */
record DenseRule(LayerSite site, DenseLayer config) implements LayerRule {

  static final Type TYPE = Type.of("a DenseLayer", DenseLayer.class, site -> true, DenseRule::new);

  @Override
  public boolean hasParameters() {
    return true;
  }

  @Override
  public Pass forward(INDArray input) {
    return config.hasLayerNorm()
        ? LayerNormDensePass.forward(site, input, config.getActivationFn())
        : AffinePass.forward(site, input, config.getActivationFn());
  }
}

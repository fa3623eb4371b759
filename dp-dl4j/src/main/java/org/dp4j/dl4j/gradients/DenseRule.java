package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link DenseLayer} {@code activation(a W + b)}, with or without bias, any activation: ghost
 * norms ({@link AffinePass}). Layer normalization is not supported.
 */
final class DenseRule implements LayerRule {

  static final Type TYPE = new Type("a DenseLayer",
      site -> site.config().getClass() == DenseLayer.class, DenseRule::new);

  private final LayerSite site;
  private final DenseLayer config;

  private DenseRule(LayerSite site) {
    this.site = site;
    this.config = (DenseLayer) site.config();
  }

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

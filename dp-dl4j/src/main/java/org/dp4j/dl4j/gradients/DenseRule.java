package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link DenseLayer} {@code activation(a W + b)}, with or without bias, any activation: ghost norms
 * ({@link AffinePass}) on rows {@code [B, nIn]}; on a sequence {@code [B, nIn, T]} (between DL4J's
 * {@code RnnToFeedForwardPreProcessor} and {@code FeedForwardToRnnPreProcessor}, which pass
 * sequences on unchanged here) the map at every time step, masked as DL4J masks it ({@link
 * TimeStepAffinePass}). Layer normalization is not supported.
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
    return forward(input, null);
  }

  @Override
  public Pass forward(INDArray input, INDArray mask) {
    if (input.rank() == 3) {
      return TimeStepAffinePass.forward(site, input, mask, config.getActivationFn());
    }
    if (mask != null) {
      throw new MaskNotTaken(mask); // rows [B, nIn] have no time steps
    }
    return AffinePass.forward(site, input, config.getActivationFn());
  }
}

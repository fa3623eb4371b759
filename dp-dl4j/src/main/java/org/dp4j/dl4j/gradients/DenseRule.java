package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link DenseLayer} {@code activation(a W + b)}, with or without bias, any activation: ghost norms
 * ({@link AffinePass}) on rows {@code [B, nIn]}; on a sequence {@code [B, nIn, T]} (between DL4J's
 * {@code RnnToFeedForwardPreProcessor} and {@code FeedForwardToRnnPreProcessor}, which pass
 * sequences on unchanged here) the map at every time step, masked as DL4J masks it ({@link
 * TimeStepAffinePass}). With layer normalization ({@code hasLayerNorm(true)}), on rows only: ghost
 * norms for {@code W} and per-example gain and bias gradients ({@link LayerNormDensePass}).
 */
record DenseRule(LayerSite site, DenseLayer config) implements LayerRule {

  static final Type TYPE = Type.of("a DenseLayer", DenseLayer.class, site -> true, DenseRule::new);

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
      Checks.require(
          !config.hasLayerNorm(),
          "the input of " + site.label() + " (a DenseLayer with layer normalization)",
          "rows [B, nIn] (layer normalization per time step is not supported; use BATCH_OF_ONE)",
          Arrays.toString(input.shape()));
      return TimeStepAffinePass.forward(site, input, mask, config.getActivationFn());
    }
    if (mask != null) {
      throw new MaskNotTaken(mask); // rows [B, nIn] have no time steps
    }
    return config.hasLayerNorm()
        ? LayerNormDensePass.forward(site, input, config.getActivationFn())
        : AffinePass.forward(site, input, config.getActivationFn());
  }
}

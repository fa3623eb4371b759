package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A final {@link RnnOutputLayer}: the dense map {@code z_t = a_t W + b} at every time step of
 * {@code [B, nIn, T]} (with or without bias; {@link TimeStepAffinePass}), whose output {@code [B,
 * nOut, T]} is {@code z}, and its per-time-step loss ({@link SequenceLoss}: any activation and loss
 * function, labels {@code [B, nOut, T]}, labels mask {@code [B, T]} or {@code [B, nOut, T]}). As in
 * DL4J, the features mask does not mask this layer's loss; the labels mask does. {@code NWC} data
 * are refused.
 */
record RnnOutputRule(LayerSite site, RnnOutputLayer config) implements LayerRule {

  static final Type TYPE =
      Type.of("a final RnnOutputLayer", RnnOutputLayer.class, LayerSite::last, RnnOutputRule::new);

  @Override
  public Optional<String> unsupportedReason() {
    return config.getRnnDataFormat() == null || config.getRnnDataFormat() == RNNFormat.NCW
        ? Optional.empty()
        : Optional.of("uses data format " + config.getRnnDataFormat() + "; only NCW is supported");
  }

  @Override
  public boolean hasParameters() {
    return true;
  }

  @Override
  public Optional<Loss> loss() {
    return Optional.of(new SequenceLoss(config.getLossFn(), config.getActivationFn(), null));
  }

  @Override
  public Pass forward(INDArray input) {
    return forward(input, null);
  }

  @Override
  public Pass forward(INDArray input, INDArray mask) {
    return TimeStepAffinePass.forward(site, input, null, null);
  }
}

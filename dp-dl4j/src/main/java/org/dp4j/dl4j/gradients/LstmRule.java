package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.AbstractLSTM;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link LSTM} and {@link GravesLSTM} (peepholes), any layer and gate activation: their own
 * backpropagation through time ({@link LstmPass}), then ghost norms over time or layerwise norms
 * ({@link SequenceAffine}). Only DL4J's default {@code NCW} layout is supported.
 *
 * @param peepholes true for a GravesLSTM
 */
record LstmRule(LayerSite site, AbstractLSTM config, boolean peepholes) implements RecurrentRule {

  static final Type TYPE =
      Type.of("an LSTM", LSTM.class, site -> true, (site, c) -> new LstmRule(site, c, false));

  static final Type GRAVES_TYPE =
      Type.of(
          "a GravesLSTM", GravesLSTM.class, site -> true, (site, c) -> new LstmRule(site, c, true));

  @Override
  public Optional<String> unsupportedReason() {
    return config.getRnnDataFormat() == RNNFormat.NCW
        ? Optional.empty()
        : Optional.of("uses the " + config.getRnnDataFormat() + " data format; use NCW");
  }

  @Override
  public boolean hasParameters() {
    return true;
  }

  @Override
  public Pass forward(INDArray input) {
    return forward(input, null);
  }

  /**
   * In a {@code MultiLayerNetwork} DL4J does not set the mask on a bare LSTM: the forward pass is
   * unmasked and the mask passes through to the next layer.
   */
  @Override
  public Pass forward(INDArray input, INDArray mask) {
    return LstmPass.forward(site, config, peepholes, input, null);
  }

  @Override
  public Pass forwardWithLayerMask(INDArray input, INDArray mask) {
    return LstmPass.forward(site, config, peepholes, input, mask);
  }
}

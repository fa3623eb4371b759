package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A final {@link RnnLossLayer} after another layer: no parameters; its per-time-step loss ({@link
 * SequenceLoss}, any activation and loss function) reads its input {@code [B, nOut, T]}, and the
 * loss gradient is the input gradient. As in DL4J, the loss is masked by the labels mask, or, when
 * the labels have none, by the mask of the layer's input (the features mask passed down). {@code
 * NWC} data are refused.
 *
 * <p>The rule keeps the input mask of its last {@link #forward} for its loss: one rule per batch,
 * as the engine builds them. Not thread-safe.
 */
final class RnnLossRule implements LayerRule {

  static final Type TYPE =
      Type.of(
          "a final RnnLossLayer after another layer",
          RnnLossLayer.class,
          site -> site.last() && !site.first(),
          RnnLossRule::new);

  private final LayerSite site;
  private final RnnLossLayer config;
  private INDArray inputMask;

  RnnLossRule(LayerSite site, RnnLossLayer config) {
    this.site = site;
    this.config = config;
  }

  @Override
  public Optional<String> unsupportedReason() {
    return config.getRnnDataFormat() == null || config.getRnnDataFormat() == RNNFormat.NCW
        ? Optional.empty()
        : Optional.of("uses data format " + config.getRnnDataFormat() + "; only NCW is supported");
  }

  @Override
  public Optional<Loss> loss() {
    return Optional.of(new SequenceLoss(config.getLossFn(), config.getActivationFn(), inputMask));
  }

  @Override
  public Pass forward(INDArray input) {
    return forward(input, null);
  }

  @Override
  public Pass forward(INDArray input, INDArray mask) {
    TimeSteps.checkSequence(input, site.name());
    TimeSteps.checkMask(mask, input, site.name());
    inputMask = mask;
    // A copy: the loss gradient may overwrite this output, and the input is another layer's.
    INDArray output = input.castTo(site.dataType()).dup('c');
    return new ParameterFreePass(output, gradient -> gradient);
  }
}

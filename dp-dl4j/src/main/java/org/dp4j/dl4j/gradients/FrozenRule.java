package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A {@code FrozenLayer} or {@code FrozenLayerWithBackprop} around a layer that has a rule: private
 * fine-tuning of a pretrained network. Frozen parameters are not trained, so their per-example
 * gradients are not part of any example's norm and their block of the clipped sum is exactly zero
 * (DL4J's gradient for them is zero too); the trainer keeps them unchanged through the noisy step
 * ({@code FrozenParameters} in {@code org.dp4j.dl4j.train}).
 *
 * <p>As in DL4J, the inner layer runs as at inference (its dropout is not applied). A {@code
 * FrozenLayerWithBackprop} passes the input gradient of its inner layer down; DL4J's backward pass
 * stops at a {@code FrozenLayer}, so the layers below it get a zero gradient (in practice they are
 * frozen too, and then no gradient is asked for).
 *
 * @param site the frozen layer (its configuration is the inner layer's, as DL4J reports it)
 * @param inner the inner layer, with the same label and parameter views
 * @param backprop whether the input gradient passes down ({@code FrozenLayerWithBackprop})
 */
record FrozenRule(LayerSite site, LayerSite inner, boolean backprop) implements LayerRule {

  static final Type TYPE =
      new Type(
          "a FrozenLayer or FrozenLayerWithBackprop around one of these",
          FrozenRule::wraps,
          FrozenRule::of);

  /** Whether {@code site} holds a frozen wrapper. */
  static boolean wraps(LayerSite site) {
    return site.layer() instanceof FrozenLayer || site.layer() instanceof FrozenLayerWithBackprop;
  }

  private static FrozenRule of(LayerSite site) {
    org.deeplearning4j.nn.api.Layer inside =
        site.layer() instanceof FrozenLayer frozen
            ? frozen.getInsideLayer()
            : ((FrozenLayerWithBackprop) site.layer()).getInsideLayer();
    return new FrozenRule(
        site,
        new LayerSite(site.label(), inside, site.parameters(), site.first(), site.last()),
        site.layer() instanceof FrozenLayerWithBackprop);
  }

  @Override
  public Optional<String> unsupportedReason() {
    if (backprop && inner.config().getIDropout() != null) {
      return Optional.of(
          "has dropout inside a FrozenLayerWithBackprop, which DL4J applies in the backward "
              + "pass but not the forward pass; remove the dropout");
    }
    return LayerRules.innerReason(inner).map(r -> "(frozen) " + r);
  }

  @Override
  public Optional<Loss> loss() {
    return innerRule().loss();
  }

  @Override
  public INDArray outputMask(INDArray inputMask) {
    return innerRule().outputMask(inputMask);
  }

  @Override
  public Pass forward(INDArray input) {
    return forward(input, null);
  }

  @Override
  public Pass forward(INDArray input, INDArray mask) {
    Pass pass = innerRule().forward(input, mask);
    long parameters = site.layer().numParams();
    return new Pass() {
      @Override
      public INDArray output() {
        return pass.output();
      }

      @Override
      public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
        if (!inputGradientNeeded) {
          return null;
        }
        return backprop
            ? pass.backward(outputGradient, true)
            : Nd4j.zeros(input.dataType(), input.shape());
      }

      @Override
      public long addClippedSum(ClipFactors clip, INDArray sum) {
        return parameters; // the sum is fresh: the frozen block stays zero
      }
    };
  }

  private LayerRule innerRule() {
    return LayerRules.bareRuleFor(inner);
  }
}

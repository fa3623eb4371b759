package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The layer inside a DL4J wrapper layer, as the wrapper's rule sees it. */
final class Wrapped {

  private Wrapped() {}

  /** The site of the layer that {@code site}'s wrapper layer wraps. */
  static LayerSite innerSite(LayerSite site) {
    return inner(site, ((BaseWrapperLayer) site.layer()).getUnderlying());
  }

  /** The site of {@code layer}, a layer inside {@code site}'s layer, in the same network. */
  static LayerSite inner(LayerSite site, org.deeplearning4j.nn.api.Layer layer) {
    return new LayerSite(site.label(), layer, site.parameters(), site.first(), false);
  }

  /**
   * Why the wrapped layer's rule cannot compute it: its own reason, or dropout (which the rules do
   * not apply); empty when it can.
   */
  static Optional<String> innerReason(LayerSite inner, LayerRule rule) {
    String name = inner.config().getClass().getSimpleName();
    if (inner.config().getIDropout() != null) {
      return Optional.of("wraps a " + name + " that uses dropout");
    }
    return rule.unsupportedReason().map(r -> "wraps a " + name + " that " + r);
  }

  /** The rule of a site that no rule handles (as {@code what} a wrapper needs), which refuses. */
  record Unsupported(LayerSite inner, String what) implements LayerRule {
    @Override
    public Optional<String> unsupportedReason() {
      return Optional.of(
          "wraps a " + inner.config().getClass().getSimpleName() + ", which is not " + what);
    }

    @Override
    public Pass forward(INDArray input) {
      throw new IllegalStateException(unsupportedReason().orElseThrow());
    }
  }
}

package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link DropoutLayer}: the identity, with the layer's dropout applied to its input by {@link
 * InputDropout}, as DL4J's {@code DropoutLayer} does; no parameters. Any input rank; a sequence
 * mask passes through.
 */
record DropoutLayerRule(LayerSite site, DropoutLayer config) implements LayerRule {

  static final Type TYPE =
      Type.of("a DropoutLayer", DropoutLayer.class, site -> !site.last(), DropoutLayerRule::new);

  @Override
  public Pass forward(INDArray input, INDArray mask) {
    return forward(input);
  }

  @Override
  public Pass forward(INDArray input) {
    return new ParameterFreePass(input, gradient -> gradient);
  }
}

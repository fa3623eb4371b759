package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link ActivationLayer}: any activation applied to an input of any rank ({@code [B, n]}, {@code
 * [B, C, T]}, {@code [B, C, H, W]}); no parameters, so nothing to clip. DL4J's activations act on
 * each example's entries only (softmax normalises within an example), so the input gradient of
 * example {@code i} is {@code activation'(x_i) dL_i/dy_i}, computed by the activation's own {@code
 * backprop} as DL4J's layer does. DL4J's {@code ActivationLayer} ignores dropout configured on it,
 * and so does this rule.
 */
record ActivationRule(LayerSite site, ActivationLayer config) implements LayerRule {

  static final Type TYPE =
      Type.of("an ActivationLayer", ActivationLayer.class, site -> true, ActivationRule::new);

  /** Elementwise per time step too: a sequence mask passes through unchanged (as in DL4J). */
  @Override
  public Pass forward(INDArray input, INDArray mask) {
    return forward(input);
  }

  @Override
  public Pass forward(INDArray input) {
    IActivation activation = config.getActivationFn();
    INDArray in = input.castTo(site.dataType()); // read only: the pass below owns no copy
    // getActivation and backprop work in place: each gets its own copy of the input.
    INDArray output = activation.getActivation(in.dup(), true);
    return new ParameterFreePass(
        output, gradient -> activation.backprop(in.dup(), gradient).getFirst());
  }
}

package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link SelfAttentionLayer} ({@code [B, nIn, T] -> [B, nOut, T]}, {@code NCW}): multi-head scaled
 * dot-product self-attention with projections {@code Wq, Wk, Wv} ({@code [nHeads, headSize, nIn]})
 * and {@code Wo} ({@code [nHeads headSize, nOut]}), or without projection and parameters ({@code
 * projectInput} false). Forward and backward pass, per-example norms and clipped sums by {@link
 * AttentionPass}; the features mask (padded keys get weight 0) passes on unchanged, as in DL4J. The
 * rule's gradients are those of the loss: half of what DL4J 1.0.0-M2.1's {@code SameDiffLayer}
 * backward pass returns (see {@link AttentionPass}).
 */
record SelfAttentionRule(LayerSite site, SelfAttentionLayer config) implements LayerRule {

  static final Type TYPE =
      Type.of(
          "a SelfAttentionLayer", SelfAttentionLayer.class, site -> true, SelfAttentionRule::new);

  @Override
  public boolean hasParameters() {
    return config.isProjectInput();
  }

  @Override
  public Pass forward(INDArray input) {
    return forward(input, null);
  }

  @Override
  public Pass forward(INDArray input, INDArray mask) {
    boolean project = config.isProjectInput();
    org.deeplearning4j.nn.api.Layer layer = site.layer();
    AttentionPass.Setup setup =
        new AttentionPass.Setup(
            site,
            config.getNHeads(),
            config.getHeadSize(),
            project,
            project ? layer.getParam("Wq") : null,
            project ? layer.getParam("Wk") : null,
            project ? layer.getParam("Wv") : null,
            project ? layer.getParam("Wo") : null);
    return AttentionPass.forward(setup, input, mask);
  }
}

package org.dp4j.dl4j.gradients;

/** How per-example gradient norms and the clipped sum are computed. */
public enum GradientMethod {
  /**
   * {@link #GHOST} when every layer supports it, else {@link #LAYERWISE} when every layer supports
   * that, else {@link #BATCH_OF_ONE}.
   */
  AUTO,
  /**
   * Ghost clipping: one batched forward and backward pass, every layer's per-example norm from its
   * input activations and output gradients without forming its per-example gradients (dense, a
   * first embedding, pooling, output and loss layers, the convolutional-flat preprocessors).
   */
  GHOST,
  /**
   * Exact layerwise clipping: as {@link #GHOST}, and convolution layers too, whose per-example
   * gradients are formed in memory (im2col).
   */
  LAYERWISE,
  /** The exact, slow batch-of-one loop ({@link BatchOfOneGradients}); any layer. */
  BATCH_OF_ONE
}

package org.dp4j.dl4j.gradients;

/** How per-example gradient norms and the clipped sum are computed. */
public enum GradientMethod {
  /**
   * {@link #GHOST} when every layer supports it, else {@link #LAYERWISE} when every layer supports
   * that, else {@link #BATCH_OF_ONE}.
   */
  AUTO,
  /** Ghost clipping ({@link GhostClipping}); networks of dense and output layers only. */
  GHOST,
  /**
   * Exact layerwise clipping ({@link LayerwiseClipping}): convolution, pooling, dense and output
   * layers, from one batched forward and backward pass.
   */
  LAYERWISE,
  /** The exact, slow batch-of-one loop ({@link BatchOfOneGradients}); any layer. */
  BATCH_OF_ONE
}

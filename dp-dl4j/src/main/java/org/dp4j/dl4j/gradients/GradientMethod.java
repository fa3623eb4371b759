package org.dp4j.dl4j.gradients;

/** How per-example gradient norms and the clipped sum are computed. */
public enum GradientMethod {
  /** {@link #GHOST} when every layer supports it, else {@link #BATCH_OF_ONE}. */
  AUTO,
  /** Ghost clipping ({@link GhostClipping}); networks of dense and output layers only. */
  GHOST,
  /** The exact, slow batch-of-one loop ({@link BatchOfOneGradients}); any layer. */
  BATCH_OF_ONE
}

/**
 * Per-example gradient clipping, the first phase of a DP-SGD step.
 *
 * <p>A {@link org.dp4j.training.clipping.PerExampleClipper} turns {@link
 * org.dp4j.training.clipping.ClippableGradients} into a {@link
 * org.dp4j.training.clipping.ClippedSum}: the <em>sum</em> of the clipped gradients, its L2
 * sensitivity and its counts. The gradients are either held in memory ({@link
 * org.dp4j.training.clipping.PerExampleGradients}, INDArrays with a leading batch dimension) or
 * known only by their squared norms and weighted sums (ghost clipping in dp-dl4j). {@link
 * org.dp4j.training.clipping.FlatClipper} bounds each example's whole gradient; {@link
 * org.dp4j.training.clipping.PerLayerClipper} bounds each block separately; {@link
 * org.dp4j.training.clipping.AdaptiveClipper} is flat clipping whose norm moves from step to step
 * ({@link org.dp4j.training.clipping.AdaptiveClipping} holds its settings), each step's clipper
 * returning the next one. Non-finite examples follow a {@link
 * org.dp4j.training.clipping.NonFiniteGradientPolicy} and are counted; they never reach the sum. A
 * {@link org.dp4j.training.clipping.GradientInjector} may add gradients (an audit's canaries)
 * before clipping; they are clipped like the rest.
 *
 * <p>Clipping is rounded pessimistically: a clipped example's contribution, as computed in float,
 * has L2 norm at most the clip norm (the scale factor carries a {@code 2^-20} relative margin and
 * the norm an error bound). Rows already inside the ball are added unchanged. Every flat clipper
 * decides by one rule, whatever computed the norms.
 */
package org.dp4j.training.clipping;

/**
 * Per-example gradient clipping, the first phase of a DP-SGD step.
 *
 * <p>A {@link org.dp4j.training.clipping.PerExampleClipper} turns {@link
 * org.dp4j.training.clipping.PerExampleGradients} (INDArrays with a leading batch dimension) into a
 * {@link org.dp4j.training.clipping.ClippedSum}: the <em>sum</em> of the clipped gradients and its
 * L2 sensitivity. {@link org.dp4j.training.clipping.FlatClipper} bounds each example's whole
 * gradient; {@link org.dp4j.training.clipping.PerLayerClipper} bounds each block separately.
 * Non-finite examples follow a {@link org.dp4j.training.clipping.NonFiniteGradientPolicy} and are
 * counted; they never reach the sum.
 *
 * <p>Clipping is rounded pessimistically: a clipped example's contribution, as computed in float,
 * has L2 norm at most the clip norm (the scale factor carries a {@code 2^-20} relative margin and
 * the norm an error bound). Rows already inside the ball are added unchanged.
 */
package org.dp4j.training.clipping;

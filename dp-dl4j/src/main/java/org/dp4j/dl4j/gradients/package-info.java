/**
 * Per-example gradients of a {@code MultiLayerNetwork}'s batches in dp-training's clipping
 * vocabulary ({@code ClippableGradients}: squared norms, then weighted sums), behind {@link
 * org.dp4j.dl4j.gradients.NetworkGradients#forNetwork}; dp-training's flat clipper decides the clip
 * factors by its one rule.
 *
 * <p>{@link org.dp4j.dl4j.gradients.GradientMethod#GHOST} and {@code LAYERWISE} run one engine
 * ({@code MultiLayerClipping}) over one package-private {@code LayerRule} per layer type: dense,
 * embedding, output and loss layers (ghost norms), convolutions (per-example gradients by im2col),
 * pooling and the convolutional-flat preprocessors (no parameters). A rule gives why a layer is
 * unsupported, the layer's forward and backward pass, its share of each example's squared norm and
 * its block of the clipped sum; the engine walks the rules and sums the squared norms. For {@code
 * FLOAT} networks the convolution, pooling and tanh work runs in host loops over channels-last
 * buffers ({@code ConvGeometry}, {@code TanhKernel}), split over ND4J's threads ({@code
 * ExampleRanges}), with the matrix products in ND4J's BLAS. A new layer type is one rule class, one
 * entry in {@code LayerRules.TYPES}, and a test against the batch-of-one loop. {@link
 * org.dp4j.dl4j.gradients.BatchOfOneGradients} is the exact, slow fallback for every other layer
 * that does not mix examples.
 */
package org.dp4j.dl4j.gradients;

/**
 * Per-example gradients of the batches of a {@code MultiLayerNetwork} or a {@code ComputationGraph}
 * in dp-training's clipping vocabulary ({@code ClippableGradients}: squared norms, then weighted
 * sums), behind {@link org.dp4j.dl4j.gradients.NetworkGradients#forNetwork} and {@link
 * org.dp4j.dl4j.gradients.NetworkGradients#forGraph}; dp-training's flat clipper decides the clip
 * factors by its one rule.
 *
 * <p>{@link org.dp4j.dl4j.gradients.GradientMethod#GHOST} and {@code LAYERWISE} run one engine
 * ({@code MultiLayerClipping}) over one package-private {@code LayerRule} per layer type: dense,
 * embedding, output and loss layers (ghost norms), convolutions (per-example gradients by im2col),
 * pooling and the preprocessors (no parameters), sequence, recurrent and attention layers (weights
 * shared over time steps through {@code SequenceAffine}: ghost norms over time or per-example
 * gradients, by shape; recurrent layers with their own backpropagation through time), layer
 * normalization, PReLU, activation, dropout and frozen layers; masks of variable-length sequences
 * pass through the rules ({@code LayerRule#outputMask}). The coverage table in {@code docs/dl4j.md}
 * lists every DL4J layer type with its method. A rule gives why a layer is unsupported, the layer's
 * forward and backward pass, its share of each example's squared norm and its block of the clipped
 * sum; the engine walks the rules and sums the squared norms. For {@code FLOAT} networks the
 * convolution, pooling and tanh work runs in host loops over channels-last buffers ({@code
 * ConvGeometry}, {@code TanhKernel}), split over ND4J's threads ({@code ExampleRanges}), with the
 * matrix products in ND4J's BLAS. A new layer type is one rule class, one entry in {@code
 * LayerRules.TYPES}, and a test against the batch-of-one loop.
 *
 * <p>A graph with one input and one output runs on {@code GraphClipping}, which walks its vertices
 * in topological order with the same layer rules (a layer vertex is a {@code ChainRule}: its input
 * preprocessor's rule, then its layer's) and a {@code VertexRule} per vertex type without
 * parameters that does not mix examples ({@code VertexRules}: merge, element-wise, subset,
 * preprocessor, scale, shift, L2 normalize, last time step, frozen); where a vertex's output feeds
 * several vertices, their input gradients are summed. {@link
 * org.dp4j.dl4j.gradients.BatchOfOneGradients} is the exact, slow fallback for every other layer
 * that does not mix examples.
 */
package org.dp4j.dl4j.gradients;

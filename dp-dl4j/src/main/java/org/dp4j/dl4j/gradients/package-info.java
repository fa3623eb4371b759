/**
 * Per-example gradient norms and clipped sums for {@code MultiLayerNetwork}: ghost clipping for
 * dense and output layers ({@link org.dp4j.dl4j.gradients.GhostClipping}), exact layerwise
 * clipping for convolutional networks ({@link org.dp4j.dl4j.gradients.LayerwiseClipping}) and an
 * exact batch-of-one fallback for every other layer ({@link
 * org.dp4j.dl4j.gradients.BatchOfOneGradients}).
 */
package org.dp4j.dl4j.gradients;

/**
 * Deeplearning4j integration: per-example clipping for {@code MultiLayerNetwork} and a private
 * trainer.
 */
package org.dp4j.dl4j;

/**
 * {@link org.dp4j.dl4j.train.DpTrainer}: private training of a {@code MultiLayerNetwork} with
 * Poisson sampling, clipping, noise, budget enforcement, checkpoints and a progress listener.
 */
package org.dp4j.dl4j.train;

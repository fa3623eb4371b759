/**
 * {@link org.dp4j.dl4j.train.DpTrainer}: private training of a Deeplearning4j network with Poisson
 * sampling, clipping, noise, budget enforcement (optionally on a ledger), checkpoints and a
 * progress listener, every privacy setting stated once on its builder.
 */
package org.dp4j.dl4j.train;

package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.conf.dropout.IDropout;

/**
 * An {@link IDropout} that changes each example's activations from that example's own values and
 * random draws only, as DL4J's {@code Dropout}, {@code AlphaDropout}, {@code GaussianDropout},
 * {@code GaussianNoise} and {@code SpatialDropout} do ({@link InputDropout} accepts those by
 * class). Package-private: dp4j's tests implement it with fixed masks, so that the batched rules
 * and the batch-of-one loop see the same masks; users cannot claim it for a dropout of their own.
 */
interface PerExampleDropout extends IDropout {}

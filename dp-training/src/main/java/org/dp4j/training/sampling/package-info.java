/**
 * Batch sampling for DP-SGD: {@link org.dp4j.training.sampling.PoissonBatchSampler} (the sampling
 * the accountants analyse) and {@link org.dp4j.training.sampling.SamplingScheme}, which tells the
 * privacy statement whether that analysis applies.
 */
package org.dp4j.training.sampling;

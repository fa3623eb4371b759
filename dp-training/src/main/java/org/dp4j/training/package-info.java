/**
 * DP-SGD over ND4J: per-example clipping, tensor noise, the {@code DpSgdOptimizer} wrapper and
 * Poisson batch sampling.
 */
package org.dp4j.training;

/**
 * JMH benchmarks for {@code org.dp4j.training}: clip + sum of per-example gradients and tensor
 * noise, each against a plain Java pass over the same direct buffer in the same run.
 */
package org.dp4j.bench.training;

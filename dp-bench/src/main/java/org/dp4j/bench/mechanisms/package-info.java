/**
 * JMH benchmarks for {@code dp-mechanisms}: bulk noise against a plain add baseline in the same
 * run, uniform sources, and the scalar floating-point-safe mechanisms.
 */
package org.dp4j.bench.mechanisms;

/**
 * JMH benchmarks for {@code org.dp4j.dl4j}: one private DP-SGD step of a DL4J network against the
 * non-private DL4J step of the same network and batch, in the same run.
 */
package org.dp4j.bench.dl4j;

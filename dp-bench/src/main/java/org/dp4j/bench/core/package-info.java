/** Benchmarks of {@code dp-core}: sub-packages mirror {@code org.dp4j.core}. */
package org.dp4j.bench.core;

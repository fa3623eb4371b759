/**
 * JMH benchmarks; sub-packages mirror the library modules, each benchmark with a same-run baseline.
 */
package org.dp4j.bench;

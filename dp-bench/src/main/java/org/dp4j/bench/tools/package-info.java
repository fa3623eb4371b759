/**
 * Small command-line tools that turn measurements into the figures and tables of {@code docs/}: run
 * them from the repository root (see {@code docs/benchmarks.md} for the commands).
 */
package org.dp4j.bench.tools;

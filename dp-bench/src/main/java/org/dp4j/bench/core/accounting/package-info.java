/** Benchmarks of the accountants in {@code org.dp4j.core.accounting} and its sub-packages. */
package org.dp4j.bench.core.accounting;

/**
 * JMH benchmarks for {@code org.dp4j.core.budget}: in-memory {@code PrivacyFilter.spend} against
 * the accountant's own compose as baseline, at several history lengths (the cost must not grow with
 * history), and ledger-backed spends (dominated by the forced write).
 */
package org.dp4j.bench.core.budget;

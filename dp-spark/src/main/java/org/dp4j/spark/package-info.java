/**
 * Private group-by aggregations on Apache Spark: {@link org.dp4j.spark.DpAggregation} turns a
 * {@code Dataset<Row>} with a privacy-unit column into noisy per-group counts, sums, means,
 * variances and quantiles under one (epsilon, delta) budget for adding or removing one unit with
 * all its rows. Contribution bounding, fixed-point sums, partition selection, joint PLD
 * calibration, spending on a {@code PrivacyFilter} before anything is computed and noise from the
 * executors' own secure sources are documented in {@code docs/spark.md}.
 *
 * <p>Spark ({@code spark-sql_2.13}, 4.x) is a provided dependency: a cluster supplies it.
 */
package org.dp4j.spark;

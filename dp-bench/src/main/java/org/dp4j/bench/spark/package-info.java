/**
 * Harnesses for dp-spark (not JMH: a Spark query takes seconds and runs its own thread pool):
 * {@link org.dp4j.bench.spark.SparkAggregationBenchmark} times a private query against non-private
 * queries back to back, {@link org.dp4j.bench.spark.SparkErrorReport} measures the error of joint
 * against equal-split calibration. Run them with {@code dp-bench/spark-bench}; the figures are in
 * {@code docs/spark.md}.
 */
package org.dp4j.bench.spark;

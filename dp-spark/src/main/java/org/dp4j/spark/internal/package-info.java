/**
 * The machinery behind {@link org.dp4j.spark.DpAggregation}: contribution bounding, fixed-point
 * parts, the per-group release kernel, partition-selection rules, joint calibration and the Spark
 * plan. <strong>Not public API</strong>: anything here may change without notice. It is public only
 * so that Spark can load it on executors and tests can exercise the kernels outside Spark.
 */
package org.dp4j.spark.internal;

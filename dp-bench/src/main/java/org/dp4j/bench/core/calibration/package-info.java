/**
 * Benchmarks of {@code org.dp4j.core.calibration}: DP-SGD noise calibration and the analytic
 * Gaussian.
 */
package org.dp4j.bench.core.calibration;

/**
 * Bulk noise: Gaussian or Laplace noise added in place to {@code float[]}, {@code double[]}, {@link
 * java.nio.FloatBuffer} and {@link java.nio.DoubleBuffer} (including the direct, little-endian
 * buffers behind ND4J host arrays). This is the DP-SGD hot path; see {@link
 * org.dp4j.mechanisms.bulk.BulkNoise}.
 */
package org.dp4j.mechanisms.bulk;

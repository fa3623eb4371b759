/**
 * The noise phase of DP-SGD: {@link org.dp4j.training.noise.GradientNoise} and its Gaussian
 * implementation {@link org.dp4j.training.noise.GaussianTensorNoise}, which writes straight into
 * ND4J host buffers through the dp-mechanisms bulk path ({@code BulkNoise}). Secure by default; the
 * seeded mode is explicitly named as not private.
 */
package org.dp4j.training.noise;

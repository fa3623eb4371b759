/**
 * Noise calibration: the smallest noise that meets a target (epsilon, delta) guarantee.
 *
 * <p>{@link org.dp4j.core.calibration.GaussianCalibration} gives the exact (analytic) Gaussian
 * mechanism calibration of Balle &amp; Wang (2018) for a {@link org.dp4j.core.PrivacyBudget}, and
 * the exact guarantee of one {@link org.dp4j.core.event.GaussianEvent}; {@link
 * org.dp4j.core.calibration.NoiseCalibration} searches the DP-SGD noise multiplier for a target
 * epsilon under any accountant, and always returns a value whose re-accounted epsilon does not
 * exceed the target.
 */
package org.dp4j.core.calibration;

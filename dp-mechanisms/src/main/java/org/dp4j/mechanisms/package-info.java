/**
 * Noise mechanisms that resist floating-point attacks: {@link org.dp4j.mechanisms.LaplaceMechanism}
 * and {@link org.dp4j.mechanisms.GaussianMechanism} round the input to a power-of-two grid and add
 * exactly sampled integer noise (discrete Laplace, discrete Gaussian), so the set of possible
 * outputs does not depend on the input (Mironov 2012; Canonne, Kamath &amp; Steinke 2020). {@link
 * org.dp4j.mechanisms.DiscreteLaplaceMechanism} and {@link
 * org.dp4j.mechanisms.DiscreteGaussianMechanism} add that integer noise to integer queries
 * directly. Each mechanism reports, as its {@link org.dp4j.core.event.PrivacyEvent}, its exact cost
 * under whichever neighbouring relation the accountant uses (a sensitivity given by the caller is
 * the one under that relation; see {@code docs/mechanisms.md}), and draws from a secure source
 * unless given another.
 *
 * <p>Sub-packages: {@code random} (secure uniform source), {@code sampling} (exact integer
 * samplers), {@code bulk} (noise into arrays and buffers for DP-SGD), {@code selection}
 * (exponential mechanism, permute-and-flip, randomized response), {@code aggregation} (bounded
 * count, sum, mean), {@code testing} (seeded, <b>non-private</b> randomness for tests). {@code
 * docs/mechanisms.md} describes the attack model.
 */
package org.dp4j.mechanisms;

/**
 * Uniform random sources. {@link org.dp4j.mechanisms.random.AesCtrRandom} is the cryptographically
 * secure default of every dp4j mechanism: AES-256 in counter mode with fast key erasure, keyed from
 * the operating system's entropy source, and fast enough for bulk noise.
 *
 * <p>All sources implement Commons RNG's {@link org.apache.commons.rng.UniformRandomProvider}, so
 * Commons RNG samplers run on them unchanged. {@link org.dp4j.mechanisms.random.WordBlockSource}
 * lets a source fill a block of 32-bit words in one call for bulk noise. Fast seeded (non-private)
 * generators are reachable only through {@link org.dp4j.mechanisms.testing.SeededNoise}.
 */
package org.dp4j.mechanisms.random;

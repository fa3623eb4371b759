package org.dp4j.mechanisms.bulk;

/**
 * Which implementation of the float ziggurat's fast pass this JVM runs ({@link
 * BulkNoise#floatKernel()}). Both give the same floats for the same random words; they differ in
 * speed only.
 */
public enum FloatNoiseKernel {
  /** Plain Java, one element at a time: every JVM. */
  SCALAR,
  /**
   * SIMD through the incubating Vector API: chosen on Java 25 or later when the JVM was started
   * with {@code --add-modules jdk.incubator.vector} and the CPU has vectors of 8 or more floats.
   */
  VECTOR
}

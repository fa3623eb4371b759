package org.dp4j.spark.internal;

import java.io.Serializable;
import java.security.SecureRandom;
import org.dp4j.core.internal.Checks;

/**
 * SipHash-2-4 (Aumasson &amp; Bernstein, "SipHash: a fast short-input PRF", INDOCRYPT 2012): a
 * pseudorandom function from byte strings to 64 bits under a secret 128-bit key.
 *
 * <p>Contribution bounding uses it for its random choices: a row's or a group's priority is the PRF
 * of what identifies it, and the rows (groups) with the smallest priorities are kept. Under a key
 * nobody knows, the priorities are indistinguishable from independent uniform draws, so the kept
 * rows form a uniformly random subset; and because the same input always gets the same priority, a
 * task that Spark runs again (after a lost executor) keeps exactly the same rows, so every unit's
 * contribution stays bounded across retries. The privacy guarantee does not depend on this
 * randomness (bounding is sound for any choice); it only makes the choice unbiased.
 *
 * <p>Immutable and serializable (the key travels with the Spark tasks of one query).
 */
public final class SipHash implements Serializable {

  private static final long serialVersionUID = 1L;

  private final long k0;
  private final long k1;

  private SipHash(long k0, long k1) {
    this.k0 = k0;
    this.k1 = k1;
  }

  /** A key of 128 bits from the given secure source (the driver's operating-system entropy). */
  public static SipHash randomKey(SecureRandom random) {
    Checks.notNull("random", random);
    return new SipHash(random.nextLong(), random.nextLong());
  }

  /** The function under the key {@code (k0, k1)}, little-endian halves as in the reference code. */
  public static SipHash withKey(long k0, long k1) {
    return new SipHash(k0, k1);
  }

  /**
   * SipHash-2-4 of {@code data[0, length)}.
   *
   * @param data the message, not null
   * @param length bytes of {@code data} to hash, in {@code [0, data.length]}
   * @return the 64-bit tag
   */
  public long hash(byte[] data, int length) {
    java.util.Objects.checkFromIndexSize(0, length, data.length);
    State state = new State(k0, k1);
    int end = length - (length % 8);
    for (int i = 0; i < end; i += 8) {
      state.compress(littleEndian(data, i, 8));
    }
    state.compress(((long) length << 56) | littleEndian(data, end, length - end));
    return state.finish();
  }

  /**
   * SipHash-2-4 of the 16 bytes {@code a, b} (each little-endian), without allocating: the same
   * value as {@link #hash(byte[], int)} of those bytes.
   */
  public long hash(long a, long b) {
    State state = new State(k0, k1);
    state.compress(a);
    state.compress(b);
    state.compress(16L << 56);
    return state.finish();
  }

  /**
   * The four words of SipHash's internal state, with its compression (two rounds per message word)
   * and finalization (four rounds). Created per call and never escaping it, so the JIT keeps the
   * words in registers.
   */
  private static final class State {
    private long v0;
    private long v1;
    private long v2;
    private long v3;

    State(long k0, long k1) {
      v0 = k0 ^ 0x736f6d6570736575L;
      v1 = k1 ^ 0x646f72616e646f6dL;
      v2 = k0 ^ 0x6c7967656e657261L;
      v3 = k1 ^ 0x7465646279746573L;
    }

    void compress(long m) {
      v3 ^= m;
      round();
      round();
      v0 ^= m;
    }

    long finish() {
      v2 ^= 0xff;
      round();
      round();
      round();
      round();
      return v0 ^ v1 ^ v2 ^ v3;
    }

    private void round() {
      v0 += v1;
      v1 = Long.rotateLeft(v1, 13);
      v1 ^= v0;
      v0 = Long.rotateLeft(v0, 32);
      v2 += v3;
      v3 = Long.rotateLeft(v3, 16);
      v3 ^= v2;
      v0 += v3;
      v3 = Long.rotateLeft(v3, 21);
      v3 ^= v0;
      v2 += v1;
      v1 = Long.rotateLeft(v1, 17);
      v1 ^= v2;
      v2 = Long.rotateLeft(v2, 32);
    }
  }

  private static long littleEndian(byte[] data, int offset, int count) {
    long m = 0;
    for (int j = 0; j < count; j++) {
      m |= (data[offset + j] & 0xffL) << (8 * j);
    }
    return m;
  }

  static void putLong(byte[] buffer, int offset, long value) {
    for (int j = 0; j < 8; j++) {
      buffer[offset + j] = (byte) (value >>> (8 * j));
    }
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    return "SipHash-2-4[key hidden]";
  }
}

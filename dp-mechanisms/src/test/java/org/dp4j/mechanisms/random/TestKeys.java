package org.dp4j.mechanisms.random;

import java.nio.ByteBuffer;

/**
 * Test-only access to a <b>fixed-key</b> (hence reproducible and not private) {@link AesCtrRandom},
 * so statistical tests of the secure path run on a fixed stream and never flake.
 */
public final class TestKeys {

  private TestKeys() {}

  /** An AES-CTR generator whose key is derived from {@code seed}. */
  public static AesCtrRandom fixedKey(long seed) {
    byte[] key = new byte[32];
    ByteBuffer.wrap(key).putLong(seed).putLong(seed * 31 + 7);
    return new AesCtrRandom(key);
  }
}

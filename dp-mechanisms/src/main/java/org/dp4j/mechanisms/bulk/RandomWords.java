package org.dp4j.mechanisms.bulk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.mechanisms.random.AesCtrRandom;

/**
 * Random 32-bit words for the float ziggurats, a block at a time: generation is split from sampling
 * so that the sampler's loop runs over an {@code int[]} already in L1 cache and the generator's loop
 * (the keystream copy, or a tight run of {@code nextLong()} calls) is not interleaved with it.
 *
 * <p>Every word is a fresh, independent uniform draw from the source, used exactly once: a block of
 * {@code n} words takes {@code ceil(n / 2)} {@code nextLong()} calls (low half first, the high half of
 * the last call dropped when {@code n} is odd), or {@code 4n} bytes of {@link
 * AesCtrRandom#nextBytes(byte[], int, int)} read little-endian. The slow paths of the samplers draw
 * further words with {@link #nextLong()} after the block, from stream positions no block word uses.
 * Package-private; not thread-safe.
 */
final class RandomWords {

  /** Words per block: 4 KiB of {@code int}s, small enough to stay in L1 next to the tables. */
  static final int BLOCK = 1024;

  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

  private final UniformRandomProvider source;
  /** The source when it is an {@link AesCtrRandom} (its bytes already sit in a keystream buffer). */
  private final AesCtrRandom keystream;
  private final byte[] bytes;
  private final int[] words = new int[BLOCK];

  RandomWords(UniformRandomProvider source) {
    this.source = source;
    this.keystream = source instanceof AesCtrRandom ? (AesCtrRandom) source : null;
    this.bytes = keystream == null ? null : new byte[4 * BLOCK];
  }

  /**
   * Fills the first {@code n} entries of the shared block with fresh random words and returns the
   * block; its contents stay valid until the next call.
   *
   * @param n words wanted, {@code 1 <= n <= BLOCK}
   */
  int[] next(int n) {
    int[] w = words;
    if (keystream != null) {
      byte[] b = bytes;
      keystream.nextBytes(b, 0, 4 * n);
      for (int i = 0; i < n; i++) {
        w[i] = (int) INT_LE.get(b, 4 * i);
      }
      return w;
    }
    UniformRandomProvider s = source;
    int i = 0;
    for (; i + 1 < n; i += 2) {
      long bits = s.nextLong();
      w[i] = (int) bits;
      w[i + 1] = (int) (bits >>> 32);
    }
    if (i < n) {
      w[i] = (int) s.nextLong();
    }
    return w;
  }

  /** One fresh 64-bit word from the source (the samplers' slow paths). */
  long nextLong() {
    return source.nextLong();
  }

  /** Uniform in (0, 1]: 53 fresh random bits, never 0. */
  double uniform() {
    return ((source.nextLong() >>> 11) + 1) * TWO_POW_MINUS_53;
  }
}

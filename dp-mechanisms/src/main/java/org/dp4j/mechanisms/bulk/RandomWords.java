package org.dp4j.mechanisms.bulk;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.mechanisms.random.WordBlockSource;

/**
 * Random 32-bit words for the float ziggurats, a block at a time: generation is split from sampling
 * so that the sampler's loop runs over an {@code int[]} already in L1 cache and the generator's
 * loop is not interleaved with it.
 *
 * <p>Every word is a fresh, independent uniform draw from the source, used exactly once. A {@link
 * WordBlockSource} (the secure {@link org.dp4j.mechanisms.random.AesCtrRandom}, the seeded source
 * of {@link org.dp4j.mechanisms.testing.SeededNoise}) fills the block itself; any other source
 * gives a block of {@code n} words in {@code ceil(n / 2)} {@code nextLong()} calls (low half first,
 * the high half of the last call dropped when {@code n} is odd). The slow paths of the samplers
 * draw further words with {@link #nextLong()} after the block, from stream positions no block word
 * uses. Package-private; not thread-safe.
 */
final class RandomWords {

  /** Words per block: 4 KiB of {@code int}s, small enough to stay in L1 next to the tables. */
  static final int BLOCK = 1024;

  private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

  private final UniformRandomProvider source;

  /** The source when it fills blocks itself, else null. */
  private final WordBlockSource blocks;

  private final int[] words = new int[BLOCK];

  RandomWords(UniformRandomProvider source) {
    this.source = source;
    this.blocks = source instanceof WordBlockSource ? (WordBlockSource) source : null;
  }

  /**
   * Fills the first {@code n} entries of the shared block with fresh random words and returns the
   * block; its contents stay valid until the next call.
   *
   * @param n words wanted, {@code 1 <= n <= BLOCK}
   */
  int[] next(int n) {
    int[] w = words;
    if (blocks != null) {
      blocks.nextWords(w, n);
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

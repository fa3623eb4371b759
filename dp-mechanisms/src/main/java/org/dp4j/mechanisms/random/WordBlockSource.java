package org.dp4j.mechanisms.random;

import org.apache.commons.rng.UniformRandomProvider;

/**
 * A uniform source that also fills a whole block of 32-bit words in one call, which bulk noise
 * ({@link org.dp4j.mechanisms.bulk.BulkNoise}) uses instead of a {@code nextLong()} call per two
 * words: a generator can then keep its state in registers (or copy straight out of its keystream)
 * for the whole block.
 *
 * <p>A block is as random as the source: the words are fresh, uniformly distributed and independent
 * of everything the source returned before, and no later call returns bits derived from them. How a
 * block relates to the words {@code nextLong()} would have returned is up to the implementation
 * (and documented there).
 */
public interface WordBlockSource extends UniformRandomProvider {

  /**
   * Fills {@code words[0, count)} with fresh uniformly random 32-bit words.
   *
   * @param words the destination, not null
   * @param count how many words, {@code 0 <= count <= words.length}
   * @throws NullPointerException when {@code words} is null
   * @throws IndexOutOfBoundsException when {@code count} is negative or exceeds {@code
   *     words.length}
   */
  void nextWords(int[] words, int count);
}

package org.dp4j.mechanisms.bulk;

/**
 * The fast pass of {@link FloatZiggurat}'s block kernel: for every word of a block, the ziggurat
 * candidate is added to its element when it lies inside its layer's inner rectangle, and the word
 * is marked for the slow pass otherwise. Two implementations compute the same floats bit for bit:
 * {@link ScalarFastPass} (every JVM) and {@code VectorFastPass} (the incubating Vector API, chosen
 * by {@link FastPasses#preferred()} where it is measured to be faster). Implementations are
 * stateless and safe to share between threads; the arrays they are given are not.
 */
interface ZigguratFastPass {

  /**
   * For each {@code i} in {@code [0, n)}, with {@code w = words[i]}, {@code t = w & 1023} and
   * {@code odd = (w >>> 9) | 1}: if {@code odd < thresholds[t]}, sets {@code values[start + i] +=
   * (float) odd * widths[t]} (one float product, one float sum), else leaves the element unchanged
   * and sets bit {@code i & 31} of {@code slowMasks[i >>> 5]}. Every mask word of the block, {@code
   * slowMasks[0, ceil(n / 32))}, is overwritten.
   *
   * @param words the block's random words, at least {@code n}
   * @param n the block length, {@code 0 <= n <= RandomWords.BLOCK}
   * @param thresholds accept thresholds by layer and sign, 1024 entries, each in {@code [0, 2^23]}
   * @param widths signed scaled layer widths by layer and sign, 1024 entries
   * @param values the target; elements {@code [start, start + n)} are updated
   * @param start the first target element
   * @param slowMasks receives one bit per word that left the fast path
   * @param tableIndices scratch of at least {@code n} entries (the vector pass stores {@code t}
   *     there)
   */
  void run(
      int[] words,
      int n,
      int[] thresholds,
      float[] widths,
      float[] values,
      int start,
      int[] slowMasks,
      int[] tableIndices);
}

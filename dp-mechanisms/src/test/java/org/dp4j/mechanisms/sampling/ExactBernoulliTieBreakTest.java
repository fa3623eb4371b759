package org.dp4j.mechanisms.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;

/**
 * The big-integer Bernoulli decides from the top 63 bits of its uniform draw unless they tie with
 * the top bits of the numerator or denominator (probability about 2^-61, so random tests never
 * reach it). A scripted source forces the ties and checks the answer against the exact comparison.
 */
class ExactBernoulliTieBreakTest {

  /** Returns the scripted words in order (nextBytes consumes words through the default method). */
  private static UniformRandomProvider scripted(long... words) {
    Deque<Long> queue = new ArrayDeque<>();
    for (long w : words) {
      queue.add(w);
    }
    return queue::removeFirst;
  }

  @Test
  void tiesWithTheNumeratorAreResolvedByTheLowBits() {
    // den has 72 bits, so shift = 9 and the low part is 9 bits (2 bytes drawn, masked to 9 bits).
    BigInteger den = BigInteger.ONE.shiftLeft(71).add(BigInteger.valueOf(12345));
    BigInteger num = BigInteger.ONE.shiftLeft(70).add(BigInteger.valueOf(300));
    int shift = den.bitLength() - 63;
    long numTop = num.shiftRight(shift).longValue();
    long numLow = num.subtract(BigInteger.valueOf(numTop).shiftLeft(shift)).longValue();
    // Tie, then low bits below num's low bits: U < num.
    assertEquals(
        true, ExactBernoulli.of(scripted(numTop << 1, lowWord(numLow - 1))).bernoulli(num, den));
    // Tie, then low bits equal: U == num, so U < num is false.
    assertEquals(
        false, ExactBernoulli.of(scripted(numTop << 1, lowWord(numLow))).bernoulli(num, den));
  }

  @Test
  void tiesWithTheDenominatorRejectOrDecide() {
    BigInteger den = BigInteger.ONE.shiftLeft(71).add(BigInteger.valueOf(12345));
    BigInteger num = BigInteger.ONE.shiftLeft(70);
    int shift = den.bitLength() - 63;
    long denTop = den.shiftRight(shift).longValue();
    long denLow = den.subtract(BigInteger.valueOf(denTop).shiftLeft(shift)).longValue();
    long numTop = num.shiftRight(shift).longValue();
    // Tie with den, low bits >= den's: rejected; the next draw (below numTop) answers true.
    assertEquals(
        true,
        ExactBernoulli.of(scripted(denTop << 1, lowWord(denLow), (numTop - 1) << 1))
            .bernoulli(num, den));
    // Tie with den, low bits below: U < den is valid and U > num, so false.
    assertEquals(
        false, ExactBernoulli.of(scripted(denTop << 1, lowWord(denLow - 1))).bernoulli(num, den));
    // Above den's top: rejected; then a draw between the tops: false.
    assertEquals(
        false,
        ExactBernoulli.of(scripted((denTop + 1) << 1, (numTop + 1) << 1)).bernoulli(num, den));
  }

  /**
   * The word that makes nextBytes(2 bytes) yield {@code low} after masking to 9 bits: Commons RNG
   * fills bytes from a word's low byte upwards, and BigInteger reads them big-endian.
   */
  private static long lowWord(long low) {
    long highByte = (low >>> 8) & 0xFF;
    long lowByte = low & 0xFF;
    return highByte | (lowByte << 8);
  }
}

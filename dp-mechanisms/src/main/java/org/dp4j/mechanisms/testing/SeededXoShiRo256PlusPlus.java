package org.dp4j.mechanisms.testing;

import java.util.Objects;
import org.apache.commons.rng.core.source64.XoShiRo256PlusPlus;
import org.apache.commons.rng.simple.RandomSource;
import org.dp4j.mechanisms.random.WordBlockSource;

/**
 * <b>Not private.</b> Commons RNG's xoshiro256++ (Blackman &amp; Vigna 2021, "Scrambled linear
 * pseudorandom number generators", ACM TOMS 47(4)) seeded exactly as {@code
 * RandomSource.XO_SHI_RO_256_PP.create(seed)}, plus a block fill for bulk noise that runs the same
 * recurrence with the 256-bit state in local variables. Every method returns what the Commons RNG
 * generator with the same seed would; {@link #nextWords(int[], int)} returns the low then the high
 * half of each of the next {@code ceil(count / 2)} {@code nextLong()} values (the high half of the
 * last one dropped when {@code count} is odd).
 */
final class SeededXoShiRo256PlusPlus extends XoShiRo256PlusPlus implements WordBlockSource {

  /** The generator Commons RNG creates for {@code seed}, with its state copied. */
  SeededXoShiRo256PlusPlus(long seed) {
    super((XoShiRo256PlusPlus) RandomSource.XO_SHI_RO_256_PP.create(seed));
  }

  @Override
  public void nextWords(int[] words, int count) {
    Objects.requireNonNull(words, "words must not be null");
    Objects.checkFromIndexSize(0, count, words.length);
    long s0 = state0;
    long s1 = state1;
    long s2 = state2;
    long s3 = state3;
    int pairs = count & ~1;
    for (int i = 0; i < pairs; i += 2) {
      long result = Long.rotateLeft(s0 + s3, 23) + s0;
      long t = s1 << 17;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = Long.rotateLeft(s3, 45);
      words[i] = (int) result;
      words[i + 1] = (int) (result >>> 32);
    }
    state0 = s0;
    state1 = s1;
    state2 = s2;
    state3 = s3;
    if (pairs < count) {
      words[pairs] = (int) nextLong();
    }
  }
}

package org.dp4j.mechanisms.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeededXoShiRo256PlusPlusTest {

  @ParameterizedTest
  @ValueSource(longs = {0L, 1L, 42L, -7L, Long.MIN_VALUE})
  void everyMethodReturnsWhatCommonsRngReturnsForTheSameSeed(long seed) {
    UniformRandomProvider ours = SeededNoise.uniform(seed);
    UniformRandomProvider commons = RandomSource.XO_SHI_RO_256_PP.create(seed);
    for (int i = 0; i < 1000; i++) {
      assertEquals(commons.nextLong(), ours.nextLong(), "nextLong #" + i);
      assertEquals(commons.nextInt(), ours.nextInt(), "nextInt #" + i);
      assertEquals(commons.nextDouble(), ours.nextDouble(), 0.0, "nextDouble #" + i);
      assertEquals(commons.nextBoolean(), ours.nextBoolean(), "nextBoolean #" + i);
      assertEquals(commons.nextInt(1000), ours.nextInt(1000), "nextInt(1000) #" + i);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 1023, 1024})
  void nextWordsAreTheHalvesOfTheNextLongsAndTheStreamContinues(int count) {
    SeededXoShiRo256PlusPlus ours = new SeededXoShiRo256PlusPlus(9);
    UniformRandomProvider commons = RandomSource.XO_SHI_RO_256_PP.create(9L);
    int[] words = new int[count + 3];
    words[count] = 12345;
    for (int round = 0; round < 3; round++) {
      ours.nextWords(words, count);
      for (int i = 0; i < count; i += 2) {
        long expected = commons.nextLong();
        assertEquals((int) expected, words[i], "round " + round + ", word " + i);
        if (i + 1 < count) {
          assertEquals(
              (int) (expected >>> 32), words[i + 1], "round " + round + ", word " + (i + 1));
        }
      }
      assertEquals(12345, words[count], "nothing written past count");
      assertEquals(
          commons.nextLong(), ours.nextLong(), "the long stream continues after the block");
    }
  }

  @Test
  void nextWordsRejectsBadArguments() {
    SeededXoShiRo256PlusPlus ours = new SeededXoShiRo256PlusPlus(1);
    assertThrows(NullPointerException.class, () -> ours.nextWords(null, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> ours.nextWords(new int[2], 3));
    assertThrows(IndexOutOfBoundsException.class, () -> ours.nextWords(new int[2], -1));
    UniformRandomProvider commons = RandomSource.XO_SHI_RO_256_PP.create(1L);
    assertEquals(commons.nextLong(), ours.nextLong(), "a rejected call consumes nothing");
  }
}

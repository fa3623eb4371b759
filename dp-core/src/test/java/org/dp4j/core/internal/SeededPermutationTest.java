package org.dp4j.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeededPermutationTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 17, 1797})
  void isAPermutationAndTheSameForTheSameSeed(int n) {
    int[] order = SeededPermutation.of(n, 42);
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    assertArrayEquals(IntStream.range(0, n).toArray(), sorted);
    assertArrayEquals(order, SeededPermutation.of(n, 42));
  }

  @Test
  void otherSeedsGiveOtherOrders() {
    assertFalse(Arrays.equals(SeededPermutation.of(1797, 1), SeededPermutation.of(1797, 2)));
  }

  @Test
  void negativeLengthIsRefusedByName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SeededPermutation.of(-1, 1));
    assertTrue(e.getMessage().contains("n must be >= 0"), e.getMessage());
    assertEquals(0, SeededPermutation.of(0, 1).length);
  }
}

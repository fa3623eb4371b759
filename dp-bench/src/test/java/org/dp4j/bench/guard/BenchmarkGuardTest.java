package org.dp4j.bench.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The guard's command line (usage errors never start JMH). */
class BenchmarkGuardTest {

  @ParameterizedTest
  @ValueSource(strings = {"0", "-3", "101", "NaN", "3.0", "", "2147483648"})
  void rejectsBadSlowdown(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BenchmarkGuard.parseSlowdown(text));
    assertTrue(
        e.getMessage().startsWith("--slowdown must be an integer from 1 to 100, got "),
        e.getMessage());
  }

  @Test
  void acceptsSlowdownRange() {
    assertEquals(1, BenchmarkGuard.parseSlowdown("1"));
    assertEquals(3, BenchmarkGuard.parseSlowdown(" 3 "));
    assertEquals(100, BenchmarkGuard.parseSlowdown("100"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"--fast", "--slowdown", "--json", "--slowdown=3"})
  void usageErrorsExitWithTwo(String argument) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int status =
        BenchmarkGuard.run(
            new String[] {argument}, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertEquals(2, status);
    assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("usage: BenchmarkGuard"));
  }

  @Test
  void benchmarksOfListsBaselinesAndHotPathsOnce() {
    GuardCheck a = new GuardCheck("a", "X.hot1", "X.base", 0.1, 0.05);
    GuardCheck b = new GuardCheck("b", "X.hot2", "X.base", 0.1, 0.05);
    assertEquals(
        List.of("X.base", "X.hot1", "X.hot2"),
        List.copyOf(BenchmarkGuard.benchmarksOf(List.of(a, b))));
  }
}

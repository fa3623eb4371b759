package org.dp4j.mechanisms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SaturatingSumTest {

  @ParameterizedTest
  @CsvSource({
    "0, 0, 0",
    "5, -7, -2",
    "9223372036854775807, 0, 9223372036854775807",
    "9223372036854775806, 1, 9223372036854775807",
    "9223372036854775807, 1, 9223372036854775807",
    "9223372036854775807, 9223372036854775807, 9223372036854775807",
    "-9223372036854775808, -1, -9223372036854775808",
    "-9223372036854775807, -1, -9223372036854775808",
    "-9223372036854775808, -9223372036854775808, -9223372036854775808",
    "-9223372036854775808, 9223372036854775807, -1",
    "9223372036854775807, -9223372036854775808, -1",
  })
  void addsExactlyInRangeAndClampsOutside(long value, long noise, long expected) {
    assertEquals(expected, SaturatingSum.of(value, noise));
  }
}

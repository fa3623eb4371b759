package org.dp4j.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrivacyEventFactoriesTest {

  private static final GaussianEvent NOISE = new GaussianEvent(1.1);

  @Test
  void aDpSgdRunIsARepeatedPoissonSampledGaussian() {
    PrivacyEvent run = NOISE.poissonSampled(0.01).repeated(1000);
    assertEquals(new SelfComposedEvent(new PoissonSampledEvent(0.01, NOISE), 1000), run);
    assertEquals(new PoissonSampledEvent(0.01, NOISE), NOISE.poissonSampled(0.01).repeated(1));
  }

  @Test
  void samplingEveryRecordAndOneRepetitionAreTheEventItself() {
    assertSame(NOISE, NOISE.poissonSampled(1.0));
    assertSame(NOISE, NOISE.repeated(1));
    PrivacyEvent composed = ComposedEvent.of(NOISE, new LaplaceEvent(2.0));
    assertSame(composed, composed.poissonSampled(1.0).repeated(1));
    assertEquals(new SelfComposedEvent(NOISE, 7), NOISE.poissonSampled(1.0).repeated(7));
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {
        0.0,
        -0.5,
        1.0000000000000002,
        Double.NaN,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY,
        -Double.MIN_VALUE
      })
  void samplingRatesOutsideTheUnitIntervalAreRejectedByName(double rate) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NOISE.poissonSampled(rate));
    assertEquals("samplingRate must be in (0, 1], got " + rate, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void repetitionCountsBelowOneAreRejectedByName(long count) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NOISE.repeated(count));
    assertEquals("count must be positive, got " + count, e.getMessage());
  }

  @Test
  void theSmallestRateAndTheLargestCountAreAccepted() {
    assertEquals(
        new PoissonSampledEvent(Double.MIN_VALUE, NOISE), NOISE.poissonSampled(Double.MIN_VALUE));
    assertEquals(new SelfComposedEvent(NOISE, Long.MAX_VALUE), NOISE.repeated(Long.MAX_VALUE));
  }
}

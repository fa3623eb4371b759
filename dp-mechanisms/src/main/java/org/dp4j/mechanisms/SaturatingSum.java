package org.dp4j.mechanisms;

/** The sum of two {@code long}s, clamped to the range of {@code long} instead of wrapping. */
final class SaturatingSum {

  private SaturatingSum() {}

  /**
   * {@return {@code value + noise}, or {@code Long.MAX_VALUE} / {@code Long.MIN_VALUE} when the
   * exact sum lies above / below the range of {@code long}}
   */
  static long of(long value, long noise) {
    long sum = value + noise;
    if (((value ^ sum) & (noise ^ sum)) < 0) {
      return noise > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return sum;
  }
}

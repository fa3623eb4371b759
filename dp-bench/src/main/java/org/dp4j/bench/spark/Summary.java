package org.dp4j.bench.spark;

import java.util.Arrays;

/** Order statistics of a few measurements. */
final class Summary {

  private Summary() {}

  /** The median (the mean of the two middle values for an even count). */
  static double median(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("values must not be empty, got none");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The smallest value. */
  static double min(double[] values) {
    return Arrays.stream(values).min().orElseThrow();
  }

  /** The largest value. */
  static double max(double[] values) {
    return Arrays.stream(values).max().orElseThrow();
  }

  /** {@code |released - truth| / |truth|}; NaN when the truth is 0. */
  static double relativeError(double released, double truth) {
    return truth == 0 ? Double.NaN : Math.abs(released - truth) / Math.abs(truth);
  }
}

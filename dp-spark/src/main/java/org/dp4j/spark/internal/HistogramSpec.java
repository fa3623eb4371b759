package org.dp4j.spark.internal;

import java.io.Serializable;
import java.util.Arrays;
import org.dp4j.core.internal.Checks;

/**
 * The per-group histogram a column's quantiles are selected from: {@code C} candidates {@code c_j =
 * L + (U - L) j / (C - 1)} (the last exactly U), fixed by the bounds alone, and a value's bin is
 * the smallest {@code j} with {@code value < c_j} ({@code C} when there is none). Then {@code #{x <
 * c_j}} is the sum of the bins {@code 0..j}, which is what the exponential mechanism's utility
 * needs (as in dp-mechanisms' {@code BoundedQuantile}).
 *
 * @param valueIndex the value column's index
 * @param bounds the clamping bounds, {@code lower < upper}
 * @param candidates C, at least 2
 */
public record HistogramSpec(int valueIndex, ValueBounds bounds, int candidates)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Validates the fields. */
  public HistogramSpec {
    Checks.nonNegative("valueIndex", valueIndex);
    Checks.notNull("bounds", bounds);
    Checks.require(candidates >= 2, "candidates", "at least 2", candidates);
  }

  /** The candidate values, increasing. */
  public double[] candidateValues() {
    double[] c = new double[candidates];
    for (int j = 0; j < candidates; j++) {
      c[j] = bounds.lower() + (bounds.upper() - bounds.lower()) * j / (candidates - 1);
    }
    c[candidates - 1] = bounds.upper();
    return c;
  }

  /**
   * The bin of a value: clamps it, then finds the smallest {@code j} with {@code value < c_j}.
   *
   * @param candidateValues {@link #candidateValues()}, passed in so it is computed once
   * @param value the raw value, not NaN
   * @return the bin, in {@code [1, C]} (clamped values are at least {@code c_0})
   */
  public int bin(double[] candidateValues, double value) {
    double x = bounds.clamp(value);
    int i = Arrays.binarySearch(candidateValues, x);
    if (i >= 0) {
      while (i + 1 < candidateValues.length && candidateValues[i + 1] == x) {
        i++;
      }
      return i + 1;
    }
    return -i - 1;
  }
}

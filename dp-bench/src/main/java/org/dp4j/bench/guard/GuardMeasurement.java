package org.dp4j.bench.guard;

import java.util.Arrays;
import org.dp4j.core.internal.Checks;

/**
 * The per-iteration times of one benchmark in a guard run, summarised by their median and range.
 *
 * @param benchmark the benchmark, {@code SimpleClassName.method}
 * @param median median time per call over the iterations (the benchmark's own unit)
 * @param min fastest iteration
 * @param max slowest iteration
 * @param iterations number of measured iterations
 */
public record GuardMeasurement(
    String benchmark, double median, double min, double max, int iterations) {

  /** Validates: positive finite times with {@code min <= median <= max}, at least one iteration. */
  public GuardMeasurement {
    Checks.notNull("benchmark", benchmark);
    Checks.positiveFinite("min", min);
    Checks.positiveFinite("median", median);
    Checks.positiveFinite("max", max);
    Checks.require(
        min <= median && median <= max, "median", "between min " + min + " and max " + max, median);
    Checks.positive("iterations", iterations);
  }

  /**
   * Summarises raw per-iteration times.
   *
   * @param benchmark the benchmark name
   * @param times the iteration times; at least one, each positive and finite (NaN rejected)
   * @return the median (mean of the two middle values for an even count), min and max
   * @throws IllegalArgumentException on an empty array or a bad time
   */
  public static GuardMeasurement ofIterations(String benchmark, double... times) {
    Checks.notNull("times", times);
    Checks.require(times.length > 0, "times", "non-empty", "[]");
    for (double t : times) {
      Checks.positiveFinite("iteration time of " + benchmark, t);
    }
    double[] sorted = times.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : sorted[n / 2 - 1] / 2 + sorted[n / 2] / 2;
    return new GuardMeasurement(benchmark, median, sorted[0], sorted[n - 1], n);
  }

  /**
   * The least disturbed of several rounds of the same benchmark: the round with the fastest
   * iteration. Load from other processes only ever adds time, so on a shared machine the fastest
   * iteration is the best estimate of the undisturbed time (a real slowdown shows in every
   * iteration of every round, so it is not hidden).
   *
   * @param rounds one measurement per round, all of the same benchmark; at least one
   * @return the round with the smallest {@code min} (the first of equal ones)
   * @throws IllegalArgumentException on an empty list or rounds of different benchmarks
   */
  public static GuardMeasurement fastestRound(java.util.List<GuardMeasurement> rounds) {
    Checks.noNulls("rounds", rounds);
    Checks.require(!rounds.isEmpty(), "rounds", "non-empty", "[]");
    GuardMeasurement best = rounds.get(0);
    for (GuardMeasurement round : rounds) {
      Checks.require(
          round.benchmark().equals(best.benchmark()),
          "rounds",
          "all of benchmark " + best.benchmark(),
          round.benchmark());
      if (round.min() < best.min()) {
        best = round;
      }
    }
    return best;
  }
}

package org.dp4j.bench.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The guard's arithmetic and verdicts, on synthetic measurements (no JMH run). */
class GuardReportTest {

  private static final GuardCheck NOISE =
      new GuardCheck(
          "noise",
          "GuardNoiseBenchmark.gaussianSecure",
          "GuardNoiseBenchmark.baselinePlainAdd",
          0.02,
          0.01);

  /**
   * Largest per-iteration jitter factor of the synthetic runs: each iteration time is multiplied by
   * a factor in [1/J, J]. Then each fastest iteration moves by at most J, and a ratio by at most
   * J^2 = 1.19, below the smallest versioned margin (so a run at the reference always passes) and
   * below 3 / margin for the largest versioned margin, 2.5 (so a 3x slower run always fails); both
   * are asserted, and no probability is involved.
   */
  private static final double JITTER = 1.09;

  @Test
  void medianOfOddAndEvenCountsAndRange() {
    GuardMeasurement odd = GuardMeasurement.ofIterations("A.b", 5, 1, 4, 2, 3);
    assertEquals(new GuardMeasurement("A.b", 3, 1, 5, 5), odd);
    GuardMeasurement even = GuardMeasurement.ofIterations("A.b", 4, 1, 10, 2);
    assertEquals(new GuardMeasurement("A.b", 3, 1, 10, 4), even);
    assertEquals(new GuardMeasurement("A.b", 7, 7, 7, 1), GuardMeasurement.ofIterations("A.b", 7));
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, -1.0})
  void rejectsBadIterationTimes(double bad) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GuardMeasurement.ofIterations("A.b", 1.0, bad, 2.0));
    assertEquals("iteration time of A.b must be positive and finite, got " + bad, e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> GuardMeasurement.ofIterations("A.b"));
    assertEquals("times must be non-empty, got []", e.getMessage());
  }

  @Test
  void hugeTimesAreFine() {
    GuardMeasurement m = GuardMeasurement.ofIterations("A.b", Double.MAX_VALUE, Double.MAX_VALUE);
    assertEquals(Double.MAX_VALUE, m.median());
  }

  @Test
  void fastestRoundKeepsTheRoundWithTheFastestIteration() {
    GuardMeasurement loaded = GuardMeasurement.ofIterations("A.b", 30, 31, 90);
    GuardMeasurement quiet = GuardMeasurement.ofIterations("A.b", 10, 11, 12);
    assertEquals(quiet, GuardMeasurement.fastestRound(List.of(loaded, quiet)));
    assertEquals(quiet, GuardMeasurement.fastestRound(List.of(quiet, loaded)));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                GuardMeasurement.fastestRound(
                    List.of(quiet, GuardMeasurement.ofIterations("C.d", 1))));
    assertEquals("rounds must be all of benchmark A.b, got C.d", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GuardMeasurement.fastestRound(List.of()));
  }

  @Test
  void ratioIsBaselineFastestOverHotFastest() {
    // Slow outlier iterations (a loaded machine, a transient JIT state) do not move the ratio.
    GuardOutcome outcome =
        GuardOutcome.evaluate(
            NOISE,
            Map.of(
                "GuardNoiseBenchmark.gaussianSecure",
                    GuardMeasurement.ofIterations("x", 5000, 1000, 4000),
                "GuardNoiseBenchmark.baselinePlainAdd",
                    GuardMeasurement.ofIterations("y", 20, 90, 21)));
    assertEquals(0.02, outcome.speedRatio(), 1e-15);
    assertTrue(outcome.passed());
  }

  @Test
  void boundaryPassesAndJustBelowFails() {
    assertTrue(NOISE.accepts(0.01));
    assertFalse(NOISE.accepts(Math.nextDown(0.01)));
    assertFalse(NOISE.accepts(Double.NaN));
  }

  @Test
  void missingMeasurementIsAnError() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                GuardOutcome.evaluate(
                    NOISE,
                    Map.of(
                        "GuardNoiseBenchmark.gaussianSecure",
                        GuardMeasurement.ofIterations("x", 1))));
    assertTrue(
        e.getMessage()
            .startsWith("measurements must be holding GuardNoiseBenchmark.baselinePlainAdd, got "),
        e.getMessage());
  }

  @Test
  void threeTimesSlowerHotPathFailsWithTable() {
    Map<String, GuardMeasurement> run = new HashMap<>();
    run.put("GuardNoiseBenchmark.baselinePlainAdd", GuardMeasurement.ofIterations("b", 100));
    run.put("GuardNoiseBenchmark.gaussianSecure", GuardMeasurement.ofIterations("h", 5000));
    GuardReport normal = GuardReport.evaluate(List.of(NOISE), run);
    assertTrue(normal.passed());
    assertTrue(normal.table().contains("benchmark guard: PASSED, all 1 checks"), normal.table());

    run.put("GuardNoiseBenchmark.gaussianSecure", GuardMeasurement.ofIterations("h", 15000));
    GuardReport slow = GuardReport.evaluate(List.of(NOISE), run);
    assertFalse(slow.passed());
    assertEquals(List.of(slow.outcomes().get(0)), slow.violations());
    String table = slow.table();
    assertTrue(table.contains("FAIL: hot path too slow"), table);
    assertTrue(table.contains("0.0067"), table);
    assertTrue(table.contains("benchmark guard: FAILED, 1 of 1 checks"), table);
  }

  /**
   * With the versioned thresholds: a seeded synthetic run at each reference ratio, iteration times
   * jittered by up to {@link #JITTER}, passes; the same run with every hot path 3x slower fails
   * every check, as does one with a single hot path 3x slower fail exactly that check.
   */
  @RepeatedTest(50)
  void versionedThresholdsPassAtReferenceAndFailAtThreefoldSlowdown(RepetitionInfo repetition) {
    List<GuardCheck> checks = GuardThresholds.loadDefault();
    for (GuardCheck check : checks) {
      assertTrue(JITTER * JITTER < check.margin(), check.name());
      assertTrue(JITTER * JITTER < 3 / check.margin(), check.name());
    }
    SplittableRandom random = new SplittableRandom(1000 + repetition.getCurrentRepetition());
    assertTrue(GuardReport.evaluate(checks, synthetic(checks, random, null, 1)).passed());
    GuardReport allSlow = GuardReport.evaluate(checks, synthetic(checks, random, null, 3));
    assertEquals(checks.size(), allSlow.violations().size());
    GuardCheck victim = checks.get(random.nextInt(checks.size()));
    GuardReport oneSlow = GuardReport.evaluate(checks, synthetic(checks, random, victim, 3));
    assertEquals(1, oneSlow.violations().size());
    assertEquals(victim, oneSlow.violations().get(0).check());
  }

  /**
   * Nine jittered iterations per benchmark; baselines take a random 50-500 us, hot paths baseline /
   * reference ratio, times {@code slowdown} when {@code victim} is null or is their check.
   */
  private static Map<String, GuardMeasurement> synthetic(
      List<GuardCheck> checks, SplittableRandom random, GuardCheck victim, double slowdown) {
    Map<String, Double> baselineTimes = new HashMap<>();
    Map<String, GuardMeasurement> run = new HashMap<>();
    for (GuardCheck check : checks) {
      double base =
          baselineTimes.computeIfAbsent(check.baselineBenchmark(), b -> random.nextDouble(50, 500));
      run.put(check.baselineBenchmark(), jittered(check.baselineBenchmark(), base, random));
    }
    for (GuardCheck check : checks) {
      double hot = baselineTimes.get(check.baselineBenchmark()) / check.referenceSpeedRatio();
      if (victim == null || victim.equals(check)) {
        hot *= slowdown;
      }
      run.put(check.hotBenchmark(), jittered(check.hotBenchmark(), hot, random));
    }
    return run;
  }

  private static GuardMeasurement jittered(String name, double time, SplittableRandom random) {
    double[] times = new double[9];
    for (int i = 0; i < times.length; i++) {
      times[i] = time * Math.exp(random.nextDouble(-1, 1) * Math.log(JITTER));
    }
    return GuardMeasurement.ofIterations(name, times);
  }
}

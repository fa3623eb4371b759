package org.dp4j.training.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The (epsilon, delta) bound of one-run auditing (Steinke, Nasr &amp; Jagielski 2023): hand-worked
 * binomial tails, golden values computed independently at 50 digits, monotonicity, and its validity
 * and power on exactly eps-DP mechanisms.
 */
class OneRunEpsilonBoundTest {

  /** Relative error allowed against exact values: the tails are inflated by 1e-9 on purpose. */
  private static final double RELATIVE = 1e-8;

  @Test
  void pValueOfTwoPerfectGuessesIsWorkedByHand() {
    // eps = ln 3: q = 3/4. r = v = 2: f(2) = 9/16. Windows: i = 1: P[X = 1] = 6/16;
    // i = 2: (6/16 + 1/16) / 2 = 7/32; the largest is 6/16. With m = 2, delta = 0.01:
    // p = 9/16 + 2 * 2 * 0.01 * 6/16 = 0.5775.
    double p = OneRunEpsilonBound.pValue(new GuessCounts(2, 2, 2), Math.log(3), 0.01);
    assertEquals(0.5775, p, 0.5775 * RELATIVE);
    assertTrue(p >= 0.5775, "the p-value is rounded up");
    assertEquals(
        9.0 / 16, OneRunEpsilonBound.pValue(new GuessCounts(2, 2, 2), Math.log(3), 0), RELATIVE);
  }

  @Test
  void pValueAtEpsilonZeroIsAFairCoin() {
    // eps = 0, q = 1/2, r = 3, v = 2: f(2) = 4/8. Windows: P[X = 1] = 3/8; (3/8 + 1/8) / 2 = 1/4.
    // m = 5, delta = 0.1: p = 1/2 + 2 * 5 * 0.1 * 3/8 = 0.875.
    assertEquals(0.875, OneRunEpsilonBound.pValue(new GuessCounts(5, 3, 2), 0, 0.1), RELATIVE);
  }

  @Test
  void tenPerfectGuessesBoundEpsilonByTheTenthRootOfTheSignificance() {
    // delta = 0: p(eps) = q^10, so the bound solves q^10 = 0.05: q = 0.05^(1/10) and
    // eps = log(q / (1 - q)) = 1.05187323...
    double q = Math.pow(0.05, 0.1);
    double expected = Math.log(q / (1 - q));
    double bound = OneRunEpsilonBound.lowerBound(new GuessCounts(10, 10, 10), 0, 0.05);
    assertEquals(expected, bound, 1e-8);
    assertTrue(bound <= expected, "the bound is the low end of its bracket");
  }

  @Test
  void oneHundredCorrectGuessesCapTheBoundAtAboutThreeAndAHalf() {
    // The cap of a one-run audit with 100 guesses at 95% confidence: q = 0.05^(1/100).
    double q = Math.pow(0.05, 0.01);
    double bound = OneRunEpsilonBound.lowerBound(new GuessCounts(100, 100, 100), 0, 0.05);
    assertEquals(Math.log(q / (1 - q)), bound, 1e-8);
    assertEquals(3.49, bound, 0.01);
  }

  record Golden(
      GuessCounts counts,
      double delta,
      double significance,
      double epsilon,
      double pValue,
      double lowerBound) {}

  static Stream<Golden> golden() throws IOException {
    List<Golden> rows = new ArrayList<>();
    try (InputStream in =
            OneRunEpsilonBoundTest.class.getResourceAsStream("one_run_bounds_mpmath.csv");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
      reader.readLine();
      String line;
      while ((line = reader.readLine()) != null) {
        String[] c = line.split(",");
        rows.add(
            new Golden(
                new GuessCounts(
                    Integer.parseInt(c[0]), Integer.parseInt(c[1]), Integer.parseInt(c[2])),
                Double.parseDouble(c[3]),
                Double.parseDouble(c[4]),
                Double.parseDouble(c[5]),
                Double.parseDouble(c[6]),
                Double.parseDouble(c[7])));
      }
    }
    return rows.stream();
  }

  /** Values from generate_one_run_bounds.py (mpmath, 50 digits), next to the CSV. */
  @ParameterizedTest
  @MethodSource("golden")
  void matchesTheIndependentComputation(Golden g) {
    double p = OneRunEpsilonBound.pValue(g.counts(), g.epsilon(), g.delta());
    assertEquals(g.pValue(), p, g.pValue() * RELATIVE, "p-value of " + g);
    assertTrue(p >= g.pValue() * (1 - 1e-14), "rounded up: " + g);
    double bound = OneRunEpsilonBound.lowerBound(g.counts(), g.delta(), g.significance());
    // The bisections stop at 1e-9 (dp4j) and 1e-12 (mpmath); the tail slack moves the crossing
    // by well under 1e-8.
    assertEquals(g.lowerBound(), bound, 1e-7, "lower bound of " + g);
  }

  @Test
  void noEvidenceGivesZero() {
    // Half the guesses right is what a coin does: nothing is refuted.
    assertEquals(0, OneRunEpsilonBound.lowerBound(new GuessCounts(1000, 200, 100), 1e-5, 0.05));
    assertEquals(0, OneRunEpsilonBound.lowerBound(new GuessCounts(1000, 0, 0), 1e-5, 0.05));
    assertEquals(0, OneRunEpsilonBound.lowerBound(new GuessCounts(1000, 200, 0), 1e-5, 0.05));
  }

  static Stream<GuessCounts> randomCounts() {
    SplittableRandom random = new SplittableRandom(17);
    return Stream.generate(
            () -> {
              int m = 2 + random.nextInt(3000);
              int r = 1 + random.nextInt(Math.min(m, 400));
              return new GuessCounts(m, r, random.nextInt(r + 1));
            })
        .limit(40);
  }

  @ParameterizedTest
  @MethodSource("randomCounts")
  void pValueGrowsWithEpsilonAndDelta(GuessCounts counts) {
    double previous = 0;
    for (double eps = 0; eps <= 6; eps += 0.5) {
      double p = OneRunEpsilonBound.pValue(counts, eps, 1e-5);
      assertTrue(p >= previous * (1 - 1e-12), counts + " at eps " + eps);
      assertTrue(p <= 1 && p >= 0);
      assertTrue(p >= OneRunEpsilonBound.pValue(counts, eps, 0) * (1 - 1e-12), "delta adds");
      previous = p;
    }
  }

  @ParameterizedTest
  @MethodSource("randomCounts")
  void boundGrowsWithCorrectGuessesAndShrinksWithConfidenceAndDelta(GuessCounts counts) {
    double bound = OneRunEpsilonBound.lowerBound(counts, 1e-5, 0.05);
    if (counts.correct() < counts.guesses()) {
      GuessCounts better =
          new GuessCounts(counts.canaries(), counts.guesses(), counts.correct() + 1);
      assertTrue(OneRunEpsilonBound.lowerBound(better, 1e-5, 0.05) >= bound, "one more right");
    }
    assertTrue(OneRunEpsilonBound.lowerBound(counts, 1e-5, 0.01) <= bound, "more confidence");
    assertTrue(OneRunEpsilonBound.lowerBound(counts, 1e-3, 0.05) <= bound, "larger delta");
    assertTrue(OneRunEpsilonBound.lowerBound(counts, 0, 0.05) >= bound, "delta 0");
  }

  @Test
  void theSamePrecisionWithMoreGuessesProvesMore() {
    double previous = 0;
    for (int r = 20; r <= 640; r *= 2) {
      double bound =
          OneRunEpsilonBound.lowerBound(new GuessCounts(2000, r, r * 9 / 10), 1e-5, 0.05);
      assertTrue(bound > previous, r + " guesses: " + bound);
      previous = bound;
    }
  }

  /**
   * Validity and power on randomized response, which is exactly eps-DP for each canary: canary
   * {@code i}'s output is its inclusion bit, flipped with probability {@code 1 / (1 + e^eps)}, and
   * the auditor guesses the first {@code r} outputs. At 95% confidence the bound exceeds eps in at
   * most 5% of 2,000 trials by the theorem (binomial sd 9.7, limit 100 + 42 = 4.3 sd: falsely fails
   * with probability below 1e-5); against a mechanism at 2 eps it exceeds eps in over half of them
   * (expected about 90%; 1,000 of 2,000 is 26 sd below, never reached by chance).
   */
  @Test
  void exceedsTheTrueEpsilonAtMostAsOftenAsTheConfidenceAllows() {
    double eps = 1.0;
    int trials = 2000;
    assertTrue(exceedances(eps, eps, trials, 101) <= 142, "valid at eps");
    assertTrue(exceedances(2 * eps, eps, trials, 102) >= 1000, "power against 2 eps");
  }

  /** How often the bound from randomized response at {@code actual} exceeds {@code audited}. */
  private static int exceedances(double actual, double audited, int trials, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int m = 1000;
    int r = 200;
    double flip = 1 / (1 + Math.exp(actual));
    int count = 0;
    for (int t = 0; t < trials; t++) {
      int correct = 0;
      for (int i = 0; i < r; i++) {
        correct += random.nextDouble() < flip ? 0 : 1; // the guess is the (possibly flipped) bit
      }
      if (OneRunEpsilonBound.lowerBound(new GuessCounts(m, r, correct), 0, 0.05) > audited) {
        count++;
      }
    }
    return count;
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, -1, Double.POSITIVE_INFINITY})
  void aBadEpsilonIsRefused(double eps) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OneRunEpsilonBound.pValue(new GuessCounts(10, 5, 5), eps, 0));
    assertEquals("epsilon must be non-negative and finite, got " + eps, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, -1e-9, 1, Double.POSITIVE_INFINITY})
  void aBadDeltaIsRefused(double delta) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OneRunEpsilonBound.lowerBound(new GuessCounts(10, 5, 5), delta, 0.05));
    assertEquals("delta must be in [0, 1), got " + delta, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, 0, 1, -0.5, Double.POSITIVE_INFINITY})
  void aBadSignificanceIsRefused(double significance) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OneRunEpsilonBound.lowerBound(new GuessCounts(10, 5, 5), 0, significance));
    assertEquals("significance must be in (0, 1), got " + significance, e.getMessage());
  }

  @Test
  void countsAreChecked() {
    assertEquals(
        "canaries must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> new GuessCounts(0, 0, 0)).getMessage());
    assertEquals(
        "guesses must be in [0, 10], got 11",
        assertThrows(IllegalArgumentException.class, () -> new GuessCounts(10, 11, 0))
            .getMessage());
    assertEquals(
        "correct must be in [0, 5], got 6",
        assertThrows(IllegalArgumentException.class, () -> new GuessCounts(10, 5, 6)).getMessage());
    assertEquals(
        "correct must be in [0, 5], got -1",
        assertThrows(IllegalArgumentException.class, () -> new GuessCounts(10, 5, -1))
            .getMessage());
    assertTrue(Double.isNaN(new GuessCounts(10, 0, 0).precision()));
    assertEquals(0.8, new GuessCounts(10, 5, 4).precision());
  }
}

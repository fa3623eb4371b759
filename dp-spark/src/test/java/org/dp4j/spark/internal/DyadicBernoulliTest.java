package org.dp4j.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.dp4j.spark.StatisticalChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DyadicBernoulliTest {

  /** A source that returns the given words, then fails the test if asked for more. */
  private static UniformRandomProvider words(long... w) {
    return new UniformRandomProvider() {
      private int i;

      @Override
      public long nextLong() {
        assertTrue(i < w.length, "asked for more than " + w.length + " words");
        return w[i++];
      }
    };
  }

  @Test
  void comparesTheBitsExactly() {
    // p = 0.5 is the single bit .1: u = .0111... is below, u = .1000...0 followed by non-zero bits
    // is above (the second chunk of p is 0).
    assertTrue(DyadicBernoulli.trial(0.5, words(0x7fffffffffffffffL)));
    assertFalse(DyadicBernoulli.trial(0.5, words(0x8000000000000001L)));
    assertFalse(DyadicBernoulli.trial(0.5, words(0x8000000000000000L, 1L)));
    // p = 2^-70: the first chunk is 0 (u's first 64 bits must all be 0), then bit 6 of the second.
    double tiny = 0x1.0p-70;
    assertFalse(DyadicBernoulli.trial(tiny, words(1L)));
    assertTrue(DyadicBernoulli.trial(tiny, words(0L, 0x03ffffffffffffffL)));
    assertFalse(DyadicBernoulli.trial(tiny, words(0L, 0x0400000000000000L)));
    // p = 1 - 2^-53: all 53 leading bits 1.
    double high = Math.nextDown(1.0);
    assertTrue(DyadicBernoulli.trial(high, words(0xfffffffffffff7ffL)));
    assertFalse(DyadicBernoulli.trial(high, words(0xfffffffffffff800L)));
  }

  @Test
  void edgeProbabilitiesNeedNoRandomness() {
    assertFalse(DyadicBernoulli.trial(0.0, words()));
    assertFalse(DyadicBernoulli.trial(-1.0, words()));
    assertFalse(DyadicBernoulli.trial(Double.NaN, words()));
    assertTrue(DyadicBernoulli.trial(1.0, words()));
    assertTrue(DyadicBernoulli.trial(2.0, words()));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 0.3, 0.01, 0.999, 1e-3})
  void frequencyMatchesTheProbabilityAndTheCheckRejectsAShiftedOne(double p) {
    UniformRandomProvider random = SeededNoise.uniform(Double.doubleToLongBits(p));
    int n = 1_000_000;
    int hits = 0;
    for (int i = 0; i < n; i++) {
      hits += DyadicBernoulli.trial(p, random) ? 1 : 0;
    }
    double rate = (double) hits / n;
    // Within 5.3 binomial standard deviations: false failure about 1.2e-7.
    assertEquals(p, rate, StatisticalChecks.binomialTolerance(p, n));
    // Power: the same check rejects p shifted by 30% of min(p, 1 - p) (at least 9 sd away).
    double shifted = p + 0.3 * Math.min(p, 1 - p);
    assertTrue(Math.abs(shifted - rate) > StatisticalChecks.binomialTolerance(shifted, n));
  }
}

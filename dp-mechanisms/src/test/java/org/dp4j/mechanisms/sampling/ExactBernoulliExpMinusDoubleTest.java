package org.dp4j.mechanisms.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dp4j.mechanisms.stats.GoodnessOfFit;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExactBernoulliExpMinusDoubleTest {

  @ParameterizedTest
  @ValueSource(doubles = {0.0, 1e-300, 0.1, 0.7310585786300049, 1.0, 2.5, 9.0})
  void expMinusOfADoubleHasProbabilityExpMinusGamma(double gamma) {
    ExactBernoulli bernoulli =
        ExactBernoulli.of(SeededNoise.uniform(Double.doubleToLongBits(gamma)));
    int n = 200_000;
    int hits = 0;
    for (int i = 0; i < n; i++) {
      hits += bernoulli.expMinus(gamma) ? 1 : 0;
    }
    double p = Math.exp(-gamma);
    // 5.3 binomial sd: false failure about 1.2e-7.
    assertEquals(p, (double) hits / n, GoodnessOfFit.binomialTolerance(p, n) + 1e-12);
  }

  @Test
  void hugeGammaAlmostNeverSucceedsAndBadGammaIsRejected() {
    ExactBernoulli bernoulli = ExactBernoulli.of(SeededNoise.uniform(1));
    for (int i = 0; i < 1000; i++) {
      assertTrue(!bernoulli.expMinus(1e300));
    }
    for (double bad :
        new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1.0, -Double.MIN_VALUE}) {
      assertEquals(
          "gamma must be non-negative and finite, got " + bad,
          assertThrows(IllegalArgumentException.class, () -> bernoulli.expMinus(bad)).getMessage());
    }
    assertThrows(NullPointerException.class, () -> ExactBernoulli.of(null));
  }
}

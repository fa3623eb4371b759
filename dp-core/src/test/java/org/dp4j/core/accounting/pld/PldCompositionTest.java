package org.dp4j.core.accounting.pld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** FFT composition: agreement with direct convolution, no silent loss of mass, soundness. */
class PldCompositionTest {

  private static final LossPair SAMPLED =
      new SubsampledLossPair(0.01, new GaussianLossPair(1.0), SubsampledLossPair.Direction.REMOVE);

  /** k-fold composition by plain double-precision sums (no FFT): the reference. */
  private static DiscretePld directComposition(DiscretePld one, long k) {
    double[] current = one.pmfView().clone();
    long offset = one.offset();
    double[] p = one.pmfView();
    for (long i = 1; i < k; i++) {
      double[] next = new double[current.length + p.length - 1];
      for (int x = 0; x < current.length; x++) {
        double c = current[x];
        for (int y = 0; y < p.length; y++) {
          next[x + y] += c * p[y];
        }
      }
      current = next;
      offset += one.offset();
    }
    double infinity = -Math.expm1(k * Math.log1p(-one.infinityMass()));
    return new DiscretePld(one.interval(), offset, current, infinity);
  }

  @ParameterizedTest
  @ValueSource(longs = {2, 3, 7, 16})
  void fftCompositionIsNeverBelowDirectSumsAndWithinItsDeclaredRoundingAllowance(long k) {
    DiscretePld one = ConnectTheDots.discretize(SAMPLED, 5e-3).trimmed(1e-20);
    DiscretePld direct = directComposition(one, k);
    DiscretePld power = PldComposition.selfCompose(one, k);
    DiscretePld repeated = one;
    for (long i = 1; i < k; i++) {
      repeated = PldComposition.convolve(repeated, one);
    }
    for (DiscretePld fft : new DiscretePld[] {power, repeated}) {
      // The declared allowance is charged at most twice per composition step (live entries and
      // trimmed ones), hence the bound 2 k fftError; 1e-15: rounding of the direct sums.
      double allowance = 2 * k * fft.fftError();
      assertTrue(allowance < 1e-8, "allowance " + allowance);
      for (double eps : new double[] {0.0, 0.05, 0.1, 0.3, 1.0, 2.0}) {
        double exact = direct.delta(eps);
        double ours = fft.delta(eps);
        assertTrue(ours >= exact - 1e-15, "eps " + eps + ": " + ours + " < " + exact);
        assertTrue(ours <= exact + allowance + 1e-15, "eps " + eps + ": " + ours + " vs " + exact);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {100, 10_000, 1_000_000})
  void windowedSelfCompositionLosesNoMass(long k) {
    DiscretePld one = ConnectTheDots.discretize(SAMPLED, 5e-4).trimmed(1e-20);
    DiscretePld composed = PldComposition.selfCompose(one, k);
    // Every unit of mass is either on the grid or charged to +infinity (plus FFT rounding).
    assertTrue(composed.finiteMass() + composed.infinityMass() >= 1 - 1e-9);
    assertTrue(composed.size() < 1 << 20, "window " + composed.size());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4, 25, 400})
  void composedGaussianIsNeverBelowTheExactComposition(int k) {
    double sigma = 2.0;
    DiscretePld one = ConnectTheDots.discretize(new GaussianLossPair(sigma), 0.01).trimmed(1e-20);
    DiscretePld composed = PldComposition.selfCompose(one, k);
    double composedSigma = sigma / Math.sqrt(k);
    for (double eps = 0; eps < 3 + k / (2 * sigma * sigma); eps += 0.25) {
      double exact = ExactGaussian.delta(composedSigma, eps);
      double ours = composed.delta(eps);
      assertTrue(ours >= exact - 1e-12, "k=" + k + " eps=" + eps + ": " + ours + " < " + exact);
      assertTrue(ours <= exact * 1.05 + 1e-9, "k=" + k + " eps=" + eps + ": too loose " + ours);
    }
  }

  @Test
  void stagedPowersOfHugeCountsMatchTheExactBinomialComposition() {
    // More than MAX_DIRECT_POWER repetitions of randomized response with eps0 = h: composed in
    // stages. The exact k-fold PLD is binomial: loss (2j - k) eps0 with probability
    // C(k, j) p^j (1 - p)^{k - j}, p = e^eps0 / (1 + e^eps0).
    double eps0 = 0.01;
    long k = PldComposition.MAX_DIRECT_POWER + 3;
    DiscretePld one = ConnectTheDots.discretize(new RandomizedResponseLossPair(eps0, 0.0), eps0);
    DiscretePld staged = PldComposition.selfCompose(one, k);
    assertTrue(staged.finiteMass() + staged.infinityMass() >= 1 - 1e-9);
    double logP = -Math.log1p(Math.exp(-eps0));
    double log1mP = -Math.log1p(Math.exp(eps0));
    double mean = k * Math.tanh(eps0 / 2) * eps0;
    double sd = Math.sqrt((double) k) * eps0;
    for (double eps : new double[] {mean + sd, mean + 3 * sd, mean + 5 * sd}) {
      double exact = 0.0;
      for (long j = (long) Math.ceil((k + eps / eps0) / 2); j <= k; j++) {
        double loss = (2.0 * j - k) * eps0;
        if (loss <= eps) {
          continue;
        }
        double logMass =
            org.apache.commons.math3.special.Gamma.logGamma(k + 1.0)
                - org.apache.commons.math3.special.Gamma.logGamma(j + 1.0)
                - org.apache.commons.math3.special.Gamma.logGamma(k - j + 1.0)
                + j * logP
                + (k - j) * log1mP;
        if (logMass < -60 && loss > mean + 8 * sd) {
          break;
        }
        exact += Math.exp(logMass) * -Math.expm1(eps - loss);
      }
      double ours = staged.delta(eps);
      // logGamma differences near 2^24 carry about 1e-9 relative error.
      assertTrue(ours >= exact * (1 - 1e-8), "eps " + eps + ": " + ours + " < " + exact);
      // Aligned atoms: connect-the-dots is exact (and the exact mass at +infinity is 0), so only
      // the declared FFT allowance and the mass charged to +infinity (tails, trimmed allowances
      // of both stages) separate the two. Staging amplifies them: about 7e-5 here.
      double allowance = 2 * staged.fftError() + staged.infinityMass();
      assertTrue(allowance < 1e-4, "allowance " + allowance);
      assertTrue(
          ours <= exact * (1 + 1e-8) + allowance, "eps " + eps + ": " + ours + " vs " + exact);
    }
  }

  @Test
  void convolutionWithTheIdentityChangesNothing() {
    DiscretePld one = ConnectTheDots.discretize(SAMPLED, 1e-3).trimmed(1e-20);
    DiscretePld same = PldComposition.convolve(one, DiscretePld.identity(1e-3));
    for (double eps : new double[] {0.0, 0.01, 0.1, 1.0}) {
      assertEquals(one.delta(eps), same.delta(eps), 1e-16);
    }
    assertSame(one, PldComposition.selfCompose(one, 1));
  }

  @Test
  void infinityMassComposes() {
    DiscretePld rr = ConnectTheDots.discretize(new RandomizedResponseLossPair(0.5, 1e-3), 0.05);
    DiscretePld ten = PldComposition.selfCompose(rr, 10);
    assertEquals(1 - Math.pow(1 - 1e-3, 10), ten.infinityMass(), 1e-15);
    DiscretePld both = PldComposition.convolve(rr, rr);
    assertEquals(1 - Math.pow(1 - 1e-3, 2), both.infinityMass(), 1e-15);
  }
}

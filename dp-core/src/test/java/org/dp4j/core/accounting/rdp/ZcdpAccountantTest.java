package org.dp4j.core.accounting.rdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.accounting.UnsupportedEventException;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.dp4j.core.event.ZcdpEvent;
import org.dp4j.core.testing.RefData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ZcdpAccountantTest {

  static Stream<RefData.Row> zcdpRows() {
    return RefData.load("zcdp.csv").stream();
  }

  /**
   * The continuous-order CKS conversion against the 50-digit mpmath minimum: within 1e-10 relative
   * (the minimiser reaches ~1e-13, pessimistic margins add ~1e-14), and never below it. Also above
   * the exact Gaussian epsilon, below the simple Bun-Steinke bound, and equal to the
   * RdpAccountant's value with a ZcdpEvent on a fine grid around the optimum.
   */
  @ParameterizedTest
  @MethodSource("zcdpRows")
  void matchesCksWithContinuousOrder(RefData.Row row) {
    double sigma = row.number("sigma");
    long k = (long) row.number("k");
    double delta = row.number("delta");
    ZcdpAccountant accountant = new ZcdpAccountant().compose(new GaussianEvent(sigma), k);
    double rho = row.number("rho_total");
    assertEquals(rho, accountant.rho(), 1e-14 * rho);
    assertTrue(accountant.rho() >= rho);
    double expected = row.number("eps_cks_optimal_alpha_mpmath");
    double ours = accountant.epsilon(delta);
    assertEquals(expected, ours, 1e-10 * expected, row::toString);
    assertTrue(ours >= expected, row::toString);
    assertTrue(ours > row.number("eps_exact_gaussian_balle_wang_mpmath"), row::toString);
    assertTrue(ours <= row.number("eps_simple_bun_steinke"), row::toString);
    assertTrue(ours <= row.number("eps_dp_accounting_rdp_zcdp_default_orders"), row::toString);
  }

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 8);
  }

  /** delta(epsilon(d)) <= d, and epsilon is monotone decreasing in delta, increasing in rho. */
  @ParameterizedTest
  @MethodSource("seeds")
  void roundTripAndMonotonicity(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int trial = 0; trial < 20; trial++) {
      double rho = Math.pow(10.0, -8.0 + 12.0 * random.nextDouble());
      double delta = Math.pow(10.0, -12.0 + 11.0 * random.nextDouble());
      double epsilon = ZcdpAccountant.epsilon(rho, delta);
      String what = "rho=" + rho + " delta=" + delta + " eps=" + epsilon;
      assertTrue(epsilon >= 0 && epsilon < Double.POSITIVE_INFINITY, what);
      assertTrue(ZcdpAccountant.delta(rho, epsilon) <= delta, what);
      assertTrue(ZcdpAccountant.epsilon(rho, delta / 2) >= epsilon, what);
      assertTrue(ZcdpAccountant.epsilon(rho * 1.1, delta) >= epsilon, what);
      if (epsilon > 1e-3) {
        assertTrue(ZcdpAccountant.delta(rho, epsilon * 0.999) > delta, what);
      }
    }
  }

  /**
   * The continuous order is at least as good as any grid: RdpAccountant with ZcdpEvent on the
   * default grid gives an epsilon no smaller, and (for rho where the optimum lies inside the grid)
   * within 1% of it.
   */
  @ParameterizedTest
  @ValueSource(doubles = {1e-4, 1e-2, 0.5, 5, 50})
  void continuousOrderBeatsTheGrid(double rho) {
    double continuous = new ZcdpAccountant().compose(new ZcdpEvent(rho)).epsilon(1e-6);
    double grid = new RdpAccountant().compose(new ZcdpEvent(rho)).epsilon(1e-6);
    assertTrue(continuous <= grid);
    assertTrue(grid <= 1.01 * continuous, "grid " + grid + " continuous " + continuous);
  }

  @Test
  void eventsMapToRho() {
    // tolerance 1e-14: each closed form and each sum is rounded up by at most ~16 ulps (3.6e-15)
    assertEquals(0.125, new ZcdpAccountant().compose(new GaussianEvent(2)).rho(), 1e-14);
    assertEquals(
        0.5,
        new ZcdpAccountant().compose(new GaussianEvent(2)).compose(new GaussianEvent(2), 3).rho(),
        1e-14);
    // pure eps (and Laplace of scale 1/eps): rho = eps tanh(eps / 2)
    assertEquals(
        0.1 * Math.tanh(0.05),
        new ZcdpAccountant().compose(EpsilonDeltaEvent.pure(0.1)).rho(),
        1e-14);
    assertEquals(
        0.5 * Math.tanh(0.25), new ZcdpAccountant().compose(new LaplaceEvent(2)).rho(), 1e-14);
    assertEquals(0.3, new ZcdpAccountant().compose(new ZcdpEvent(0.3)).rho());
    assertEquals(
        0.125 * 4,
        new ZcdpAccountant(NeighbouringRelation.REPLACE_ONE).compose(new GaussianEvent(2)).rho(),
        1e-14);
    assertEquals(
        0.3,
        new ZcdpAccountant(NeighbouringRelation.REPLACE_ONE).compose(new ZcdpEvent(0.3)).rho());
    PrivacyEvent tree =
        ComposedEvent.of(
            new GaussianEvent(1),
            new SelfComposedEvent(
                ComposedEvent.of(new ZcdpEvent(0.1), EpsilonDeltaEvent.pure(1)), 2),
            new PoissonSampledEvent(1.0, new GaussianEvent(1)));
    assertEquals(
        0.5 + 2 * (0.1 + Math.tanh(0.5)) + 0.5, new ZcdpAccountant().compose(tree).rho(), 1e-14);
  }

  @Test
  void edgeCases() {
    ZcdpAccountant empty = new ZcdpAccountant();
    assertEquals(0.0, empty.epsilon(0.0));
    assertEquals(0.0, empty.epsilon(1e-5));
    assertEquals(0.0, empty.delta(0.0));
    ZcdpAccountant some = new ZcdpAccountant().compose(new GaussianEvent(1));
    assertEquals(Double.POSITIVE_INFINITY, some.epsilon(0.0));
    ZcdpAccountant none = new ZcdpAccountant().compose(new GaussianEvent(0));
    assertEquals(Double.POSITIVE_INFINITY, none.rho());
    assertEquals(Double.POSITIVE_INFINITY, none.epsilon(0.5));
    assertEquals(1.0, none.delta(100));
    // total-variation rule: rho = 1e-12 gives TV <= 1e-6
    assertEquals(0.0, new ZcdpAccountant().compose(new ZcdpEvent(1e-12)).epsilon(1e-5));
    assertTrue(new ZcdpAccountant().compose(new ZcdpEvent(1e-12)).delta(0.0) <= 1.0000001e-6);
    // huge rho: finite, large
    double huge = new ZcdpAccountant().compose(new ZcdpEvent(1e12)).epsilon(1e-5);
    assertTrue(huge > 1e12 && huge < 1.001e12, "eps " + huge);
  }

  @Test
  void unsupportedEventsChangeNothing() {
    ZcdpAccountant accountant = new ZcdpAccountant().compose(new GaussianEvent(3));
    double rho = accountant.rho();
    PrivacyEvent sampled = new PoissonSampledEvent(0.01, new GaussianEvent(1));
    PrivacyEvent approximate = EpsilonDeltaEvent.approximate(1, 1e-7);
    PrivacyEvent nested = ComposedEvent.of(new GaussianEvent(1), new SelfComposedEvent(sampled, 2));
    for (PrivacyEvent bad : List.of(sampled, approximate, nested)) {
      assertFalse(accountant.supports(bad));
      assertThrows(UnsupportedEventException.class, () -> accountant.compose(bad));
      assertEquals(rho, accountant.rho());
      assertEquals(1, accountant.events().size());
    }
    assertTrue(accountant.unsupportedReason(sampled).get().contains("RdpAccountant"));
  }

  @Test
  void copyIsIndependent() {
    ZcdpAccountant original =
        new ZcdpAccountant(NeighbouringRelation.REPLACE_ONE).compose(new ZcdpEvent(0.1));
    ZcdpAccountant copy = original.copy();
    assertNotSame(original, copy);
    assertEquals(NeighbouringRelation.REPLACE_ONE, copy.relation());
    copy.compose(new ZcdpEvent(0.2));
    assertEquals(0.1, original.rho());
    assertEquals(1, original.events().size());
    assertEquals(2, copy.events().size());
  }

  @Test
  void badInput() {
    ZcdpAccountant accountant = new ZcdpAccountant().compose(new GaussianEvent(1));
    for (double delta : new double[] {Double.NaN, -1, 1, 2, Double.POSITIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> accountant.epsilon(delta));
      assertEquals("delta must be in [0, 1), got " + delta, e.getMessage());
    }
    for (double epsilon : new double[] {Double.NaN, -1, Double.POSITIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class, () -> accountant.delta(epsilon));
    }
    assertThrows(NullPointerException.class, () -> accountant.compose(null));
    assertThrows(NullPointerException.class, () -> new ZcdpAccountant(null));
    assertThrows(IllegalArgumentException.class, () -> accountant.compose(new GaussianEvent(1), 0));
    assertEquals(1, accountant.events().size());
  }
}

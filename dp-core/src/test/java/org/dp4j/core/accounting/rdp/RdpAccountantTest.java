package org.dp4j.core.accounting.rdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Properties, validation and edge cases of {@link RdpAccountant}. */
class RdpAccountantTest {

  private static final NeighbouringRelation ADD_REMOVE = NeighbouringRelation.ADD_OR_REMOVE_ONE;
  private static final NeighbouringRelation REPLACE = NeighbouringRelation.REPLACE_ONE;

  /** A small grid keeps the seeded property tests fast; properties do not depend on the grid. */
  private static final double[] SMALL_GRID = {1.25, 1.5, 2, 2.5, 3, 4, 6, 8, 12, 16, 32, 64, 256};

  static LongStream seeds() {
    return LongStream.rangeClosed(1, 6);
  }

  /** A random DP-SGD configuration: q in [1e-4, 0.5], sigma in [0.5, 5], steps in [1, 1e5]. */
  private record Config(double q, double sigma, long steps, double delta) {
    static Config random(SplittableRandom random) {
      return new Config(
          Math.pow(10.0, -4.0 + 3.7 * random.nextDouble()),
          0.5 + 4.5 * random.nextDouble(),
          (long) Math.pow(10.0, 5.0 * random.nextDouble()),
          Math.pow(10.0, -9.0 + 7.0 * random.nextDouble()));
    }

    double epsilon() {
      return epsilon(q, sigma, steps);
    }

    double epsilon(double q, double sigma, long steps) {
      return new RdpAccountant(ADD_REMOVE, SMALL_GRID)
          .compose(new PoissonSampledEvent(q, new GaussianEvent(sigma)), steps)
          .epsilon(delta);
    }
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void epsilonIsMonotoneInStepsSamplingRateAndNoise(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int trial = 0; trial < 4; trial++) {
      Config c = Config.random(random);
      double base = c.epsilon();
      assertTrue(c.epsilon(c.q(), c.sigma(), c.steps() * 2) >= base, c::toString);
      assertTrue(c.epsilon(Math.min(1.0, c.q() * 1.5), c.sigma(), c.steps()) >= base, c::toString);
      assertTrue(c.epsilon(c.q(), c.sigma() * 1.2, c.steps()) <= base, c::toString);
    }
  }

  /** Both conversions round up, and epsilon carries an extra margin for the way back. */
  @ParameterizedTest
  @MethodSource("seeds")
  void deltaOfEpsilonIsAtMostDelta(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int trial = 0; trial < 10; trial++) {
      Config c = Config.random(random);
      RdpAccountant accountant =
          new RdpAccountant(ADD_REMOVE, SMALL_GRID)
              .compose(new PoissonSampledEvent(c.q(), new GaussianEvent(c.sigma())), c.steps());
      double epsilon = accountant.epsilon(c.delta());
      assertTrue(accountant.delta(epsilon) <= c.delta(), c::toString);
      // and delta is tight-ish: a slightly smaller epsilon needs more than delta
      if (epsilon > 0.01) {
        assertTrue(accountant.delta(epsilon * 0.99) > c.delta(), c::toString);
      }
    }
  }

  /** Composing k times one by one equals compose(event, k), up to the per-addition rounding up. */
  @ParameterizedTest
  @MethodSource("seeds")
  void stepByStepEqualsSelfComposed(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Config c = Config.random(random);
    PrivacyEvent step = new PoissonSampledEvent(c.q(), new GaussianEvent(c.sigma()));
    int k = 1 + random.nextInt(200);
    RdpAccountant oneByOne = new RdpAccountant();
    for (int i = 0; i < k; i++) {
      oneByOne.compose(step);
    }
    RdpAccountant batched = new RdpAccountant().compose(step, k);
    double[] a = oneByOne.rdp();
    double[] b = batched.rdp();
    for (int i = 0; i < a.length; i++) {
      assertEquals(b[i], a[i], 1e-13 * b[i], c.toString());
    }
    assertEquals(k, oneByOne.events().size());
    assertEquals(List.of(new SelfComposedEvent(step, k)), batched.events());
  }

  /** Replace-one doubles the sensitivity: Gaussian(s) there is Gaussian(s/2) under add/remove. */
  @ParameterizedTest
  @ValueSource(doubles = {0.3, 1.0, 1.7, 40.0})
  void replaceOneHalvesTheNoiseMultiplier(double sigma) {
    assertArrayEquals(
        new RdpAccountant(ADD_REMOVE).compose(new GaussianEvent(sigma / 2)).rdp(),
        new RdpAccountant(REPLACE).compose(new GaussianEvent(sigma)).rdp());
    assertArrayEquals(
        new RdpAccountant(ADD_REMOVE).compose(new LaplaceEvent(sigma / 2)).rdp(),
        new RdpAccountant(REPLACE).compose(new LaplaceEvent(sigma)).rdp());
    // guarantees stated directly are not rescaled
    assertArrayEquals(
        new RdpAccountant(ADD_REMOVE).compose(new ZcdpEvent(sigma)).rdp(),
        new RdpAccountant(REPLACE).compose(new ZcdpEvent(sigma)).rdp());
  }

  @Test
  void closedFormsPerOrder() {
    double[] orders = {1.5, 2.0, 10.0, 100.0};
    RdpAccountant gaussian = new RdpAccountant(ADD_REMOVE, orders).compose(new GaussianEvent(2));
    RdpAccountant zcdp = new RdpAccountant(ADD_REMOVE, orders).compose(new ZcdpEvent(0.3));
    RdpAccountant pure = new RdpAccountant(ADD_REMOVE, orders).compose(EpsilonDeltaEvent.pure(0.1));
    RdpAccountant laplace = new RdpAccountant(ADD_REMOVE, orders).compose(new LaplaceEvent(2));
    for (int k = 0; k < orders.length; k++) {
      double a = orders[k];
      assertClose(a / 8, gaussian.rdp()[k]);
      assertClose(0.3 * a, zcdp.rdp()[k]);
      // Randomized response with eps = 0.1 (Mironov 2017, Prop. 5), written directly.
      double rr =
          Math.log((Math.exp(a * 0.1) + Math.exp((1 - a) * 0.1)) / (1 + Math.exp(0.1))) / (a - 1);
      assertTrue(Math.abs(pure.rdp()[k] - rr) <= 1e-12 * rr, a + ": " + pure.rdp()[k]);
      assertTrue(pure.rdp()[k] <= Math.min(0.1, a * 0.01 / 2), "above the earlier bound");
      double direct =
          Math.log(
                  a / (2 * a - 1) * Math.exp((a - 1) / 2)
                      + (a - 1) / (2 * a - 1) * Math.exp(-a / 2))
              / (a - 1);
      assertClose(direct, laplace.rdp()[k]);
    }
  }

  private static void assertClose(double expected, double actual) {
    assertTrue(
        actual >= expected && actual <= expected * (1 + 1e-12),
        () -> "expected " + expected + " (rounded up), got " + actual);
  }

  /**
   * The Laplace RDP of scale b is at most the pure-DP bound of its (1/b)-DP guarantee, and for huge
   * b (tiny loss) keeps full relative accuracy: RDP ~ alpha / (2 b^2) (Mironov 2017, Prop. 6
   * expanded to second order).
   */
  @Test
  void laplaceIsBelowItsPureBoundAndAccurateWhenTiny() {
    for (double b : new double[] {0.1, 1.0, 10.0}) {
      for (double a : RdpAccountant.defaultOrders()) {
        double eps = 1 / b;
        assertTrue(
            RdpAccountant.laplaceRdp(a, b) <= Math.min(eps, a * eps * eps / 2) * (1 + 1e-12));
      }
    }
    double b = 1e6;
    for (double a : new double[] {1.5, 2.0, 64.0}) {
      double expected = a / (2 * b * b);
      assertEquals(expected, RdpAccountant.laplaceRdp(a, b), 1e-5 * expected);
    }
    assertEquals(Double.POSITIVE_INFINITY, RdpAccountant.laplaceRdp(2.0, 0.0));
    assertTrue(Double.isFinite(RdpAccountant.laplaceRdp(1024.0, 1e-3)));
  }

  @Test
  void emptyAccountantCertifiesZero() {
    RdpAccountant accountant = new RdpAccountant();
    assertEquals(0.0, accountant.epsilon(1e-5));
    assertEquals(0.0, accountant.epsilon(0.0));
    assertEquals(0.0, accountant.delta(0.0));
    assertTrue(accountant.events().isEmpty());
    assertArrayEquals(new double[RdpAccountant.defaultOrders().length], accountant.rdp());
  }

  @Test
  void deltaZeroGivesInfiniteEpsilonUnlessNothingLeaks() {
    RdpAccountant accountant = new RdpAccountant().compose(new GaussianEvent(1.0));
    assertEquals(Double.POSITIVE_INFINITY, accountant.epsilon(0.0));
    assertTrue(Double.isNaN(accountant.epsilonAndOrder(0.0).order()));
    assertEquals(0.0, new RdpAccountant().compose(new ZcdpEvent(0.0)).epsilon(0.0));
    assertEquals(0.0, new RdpAccountant().compose(EpsilonDeltaEvent.pure(0.0)).epsilon(0.0));
  }

  @Test
  void noNoiseMeansNoGuarantee() {
    RdpAccountant accountant =
        new RdpAccountant().compose(new PoissonSampledEvent(0.01, new GaussianEvent(0.0)));
    assertEquals(Double.POSITIVE_INFINITY, accountant.epsilon(1e-5));
    assertEquals(1.0, accountant.delta(10.0));
    assertEquals(
        Double.POSITIVE_INFINITY, new RdpAccountant().compose(new GaussianEvent(0.0)).epsilon(0.5));
    assertEquals(
        Double.POSITIVE_INFINITY, new RdpAccountant().compose(new LaplaceEvent(0.0)).epsilon(0.5));
  }

  /**
   * A tiny loss is certified as epsilon 0 at a moderate delta: Pinsker-type bound TV <= sqrt(1 -
   * exp(-KL)) (Bretagnolle-Huber), KL <= RDP. Here RDP(1.02) ~ 1.02 * 1e-12, so TV <= ~1e-6 <=
   * delta = 1e-5, but not <= 1e-7.
   */
  @Test
  void totalVariationRuleGivesZeroForTinyLoss() {
    RdpAccountant accountant = new RdpAccountant().compose(new ZcdpEvent(1e-12));
    assertEquals(0.0, accountant.epsilon(1e-5));
    assertTrue(accountant.epsilon(1e-7) > 0.0);
    assertTrue(accountant.delta(0.0) <= Math.sqrt(1.02e-12) * (1 + 1e-9));
  }

  @Test
  void epsilonAndOrderReportsAGridOrder() {
    RdpAccountant accountant =
        new RdpAccountant()
            .compose(new PoissonSampledEvent(256.0 / 60000, new GaussianEvent(1.1)), 10_000);
    EpsilonAndOrder result = accountant.epsilonAndOrder(1e-5);
    assertEquals(accountant.epsilon(1e-5), result.epsilon());
    double[] orders = accountant.orders();
    int index = java.util.Arrays.binarySearch(orders, result.order());
    assertTrue(index >= 0, "order " + result.order());
    double single =
        new RdpAccountant(ADD_REMOVE, new double[] {result.order()})
            .compose(new PoissonSampledEvent(256.0 / 60000, new GaussianEvent(1.1)), 10_000)
            .epsilon(1e-5);
    assertEquals(result.epsilon(), single);
  }

  /** The CKS conversion is never worse than Mironov's original (Mironov 2017, Prop. 3). */
  @ParameterizedTest
  @MethodSource("seeds")
  void conversionBeatsMironovsOriginalBound(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Config c = Config.random(random);
    RdpAccountant accountant =
        new RdpAccountant(ADD_REMOVE, SMALL_GRID)
            .compose(new PoissonSampledEvent(c.q(), new GaussianEvent(c.sigma())), c.steps());
    double mironov = Double.POSITIVE_INFINITY;
    double[] rdp = accountant.rdp();
    for (int k = 0; k < SMALL_GRID.length; k++) {
      mironov = Math.min(mironov, rdp[k] + Math.log(1 / c.delta()) / (SMALL_GRID[k] - 1));
    }
    assertTrue(accountant.epsilon(c.delta()) <= mironov, c::toString);
  }

  @Test
  void unsupportedEventsAreRejectedAndChangeNothing() {
    RdpAccountant accountant =
        new RdpAccountant().compose(new PoissonSampledEvent(0.01, new GaussianEvent(1.0)), 10);
    double[] before = accountant.rdp();
    List<PrivacyEvent> eventsBefore = accountant.events();
    PrivacyEvent approximate = EpsilonDeltaEvent.approximate(1.0, 1e-6);
    PrivacyEvent sampledLaplace = new PoissonSampledEvent(0.1, new LaplaceEvent(1.0));
    PrivacyEvent nested =
        ComposedEvent.of(
            new GaussianEvent(1.0),
            new SelfComposedEvent(ComposedEvent.of(new ZcdpEvent(0.1), approximate), 3));
    for (PrivacyEvent bad : List.of(approximate, sampledLaplace, nested)) {
      assertFalse(accountant.supports(bad));
      assertTrue(accountant.unsupportedReason(bad).isPresent());
      UnsupportedEventException e =
          assertThrows(UnsupportedEventException.class, () -> accountant.compose(bad));
      assertEquals(bad, e.event());
      assertTrue(e.getMessage().startsWith("RdpAccountant cannot account for"), e.getMessage());
      assertArrayEquals(before, accountant.rdp());
      assertEquals(eventsBefore, accountant.events());
    }
    assertTrue(accountant.unsupportedReason(approximate).get().contains("delta > 0"));
    assertTrue(accountant.unsupportedReason(sampledLaplace).get().contains("LaplaceEvent"));
  }

  @Test
  void poissonSamplingUnderReplaceOneIsUnsupported() {
    RdpAccountant accountant = new RdpAccountant(REPLACE);
    PrivacyEvent sampled = new PoissonSampledEvent(0.01, new GaussianEvent(1.0));
    assertTrue(accountant.unsupportedReason(sampled).get().contains("add/remove"));
    assertThrows(UnsupportedEventException.class, () -> accountant.compose(sampled, 5));
    assertTrue(accountant.events().isEmpty());
    // sampling rate 1 is no sampling: fine under either relation
    PrivacyEvent unsampled = new PoissonSampledEvent(1.0, new GaussianEvent(1.0));
    assertArrayEquals(
        new RdpAccountant(REPLACE).compose(new GaussianEvent(1.0)).rdp(),
        accountant.compose(unsampled).rdp());
  }

  @Test
  void composedTreesSumTheirParts() {
    PrivacyEvent a = new PoissonSampledEvent(0.02, new GaussianEvent(1.2));
    PrivacyEvent b = new GaussianEvent(3.0);
    PrivacyEvent c = new ZcdpEvent(0.01);
    RdpAccountant tree =
        new RdpAccountant()
            .compose(ComposedEvent.of(new SelfComposedEvent(a, 7), ComposedEvent.of(b, c), a));
    RdpAccountant flat = new RdpAccountant().compose(a, 8).compose(b).compose(c);
    double[] x = tree.rdp();
    double[] y = flat.rdp();
    for (int k = 0; k < x.length; k++) {
      assertEquals(y[k], x[k], 1e-14 * y[k]);
    }
    assertEquals(0.0, new RdpAccountant().compose(ComposedEvent.of()).epsilon(1e-5));
  }

  /** Alternating between two sampled Gaussians exercises the one-entry cache. */
  @Test
  void cacheOfTheLastStepCurveIsTransparent() {
    PrivacyEvent a = new PoissonSampledEvent(0.02, new GaussianEvent(1.2));
    PrivacyEvent b = new PoissonSampledEvent(0.05, new GaussianEvent(1.2));
    RdpAccountant alternating = new RdpAccountant();
    for (int i = 0; i < 5; i++) {
      alternating.compose(a).compose(b);
    }
    RdpAccountant grouped = new RdpAccountant().compose(a, 5).compose(b, 5);
    double[] x = alternating.rdp();
    double[] y = grouped.rdp();
    for (int k = 0; k < x.length; k++) {
      assertEquals(y[k], x[k], 1e-14 * y[k]);
    }
  }

  @Test
  void copyIsIndependent() {
    RdpAccountant original = new RdpAccountant(REPLACE, SMALL_GRID).compose(new GaussianEvent(2));
    RdpAccountant copy = original.copy();
    assertNotSame(original, copy);
    assertEquals(REPLACE, copy.relation());
    assertArrayEquals(original.orders(), copy.orders());
    assertArrayEquals(original.rdp(), copy.rdp());
    assertEquals(original.events(), copy.events());
    copy.compose(new GaussianEvent(1));
    assertEquals(1, original.events().size());
    assertEquals(2, copy.events().size());
    assertTrue(copy.epsilon(1e-5) > original.epsilon(1e-5));
    original.compose(new ZcdpEvent(5));
    assertEquals(2, copy.events().size());
  }

  @Test
  void gettersReturnCopies() {
    RdpAccountant accountant = new RdpAccountant().compose(new GaussianEvent(1));
    accountant.rdp()[0] = -1;
    accountant.orders()[0] = -1;
    RdpAccountant.defaultOrders()[0] = -1;
    assertTrue(accountant.rdp()[0] > 0);
    assertEquals(1.02, accountant.orders()[0]);
    assertEquals(1.02, RdpAccountant.defaultOrders()[0]);
    assertEquals(177, RdpAccountant.defaultOrders().length);
    assertThrows(UnsupportedOperationException.class, () -> accountant.events().clear());
  }

  @Test
  void ordersAreCopiedSortedAndValidated() {
    double[] orders = {8, 2, 1.5};
    RdpAccountant accountant = new RdpAccountant(ADD_REMOVE, orders);
    orders[0] = 100;
    assertArrayEquals(new double[] {1.5, 2, 8}, accountant.orders());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new RdpAccountant(ADD_REMOVE, new double[] {2.0, 1.0}));
    assertEquals("orders[1] must be finite and in (1, 10000.0], got 1.0", e.getMessage());
    for (double bad :
        new double[] {
          Double.NaN,
          Double.POSITIVE_INFINITY,
          Double.NEGATIVE_INFINITY,
          0.0,
          -3.0,
          1.0,
          0.5,
          10000.5,
          Double.MAX_VALUE
        }) {
      assertThrows(
          IllegalArgumentException.class,
          () -> new RdpAccountant(ADD_REMOVE, new double[] {2.0, bad}),
          () -> "order " + bad);
    }
    assertThrows(
        IllegalArgumentException.class, () -> new RdpAccountant(ADD_REMOVE, new double[0]));
    IllegalArgumentException duplicate =
        assertThrows(
            IllegalArgumentException.class,
            () -> new RdpAccountant(ADD_REMOVE, new double[] {3.0, 2.0, 3.0}));
    assertTrue(duplicate.getMessage().startsWith("orders must be free of duplicates"));
    assertThrows(NullPointerException.class, () -> new RdpAccountant(ADD_REMOVE, null));
    assertThrows(NullPointerException.class, () -> new RdpAccountant(null));
  }

  static Stream<Double> badDeltas() {
    return Stream.of(
        Double.NaN, -1e-300, -1.0, 1.0, 1.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
  }

  @ParameterizedTest
  @MethodSource("badDeltas")
  void badDeltaIsRejectedAndChangesNothing(double delta) {
    RdpAccountant accountant = new RdpAccountant().compose(new GaussianEvent(1));
    double[] before = accountant.rdp();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> accountant.epsilon(delta));
    assertEquals("delta must be in [0, 1), got " + delta, e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> accountant.epsilonAndOrder(delta));
    assertArrayEquals(before, accountant.rdp());
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {Double.NaN, -1e-300, -1.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void badEpsilonIsRejected(double epsilon) {
    RdpAccountant accountant = new RdpAccountant().compose(new GaussianEvent(1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> accountant.delta(epsilon));
    assertEquals("epsilon must be non-negative and finite, got " + epsilon, e.getMessage());
  }

  @Test
  void badArgumentsToCompose() {
    RdpAccountant accountant = new RdpAccountant();
    assertThrows(NullPointerException.class, () -> accountant.compose(null));
    assertThrows(IllegalArgumentException.class, () -> accountant.compose(new GaussianEvent(1), 0));
    assertThrows(
        IllegalArgumentException.class, () -> accountant.compose(new GaussianEvent(1), -5));
    assertTrue(accountant.events().isEmpty());
  }

  /** Huge counts and huge or tiny noise: no NaN, no overflow into nonsense. */
  @Test
  void extremeCompositions() {
    RdpAccountant many =
        new RdpAccountant()
            .compose(new PoissonSampledEvent(1e-6, new GaussianEvent(1.0)), Long.MAX_VALUE);
    double eps = many.epsilon(1e-5);
    assertFalse(Double.isNaN(eps));
    assertTrue(eps > 0);
    RdpAccountant nested =
        new RdpAccountant()
            .compose(
                new SelfComposedEvent(
                    new SelfComposedEvent(new GaussianEvent(1.0), Long.MAX_VALUE), Long.MAX_VALUE));
    double nestedEps = nested.epsilon(1e-5); // RDP ~ alpha * 8.5e37 / 2: finite but meaningless
    assertTrue(nestedEps > 1e37 && nestedEps < Double.POSITIVE_INFINITY, "eps " + nestedEps);
    assertEquals(1.0, nested.delta(1.0));
    RdpAccountant quiet =
        new RdpAccountant()
            .compose(new PoissonSampledEvent(1e-6, new GaussianEvent(1e6)), 1_000_000);
    assertEquals(0.0, quiet.epsilon(1e-5)); // RDP ~1e-18: the total-variation rule applies
    // at delta 1e-300 the grid's largest order (1024) limits epsilon to about 690 / 1023
    assertTrue(quiet.epsilon(1e-300) > 0.6 && quiet.epsilon(1e-300) < 0.7);
    RdpAccountant loud =
        new RdpAccountant().compose(new PoissonSampledEvent(0.5, new GaussianEvent(0.05)), 1000);
    double loudEps = loud.epsilon(1e-5);
    assertTrue(loudEps > 1e3 && loudEps < Double.POSITIVE_INFINITY, "eps " + loudEps);
  }
}

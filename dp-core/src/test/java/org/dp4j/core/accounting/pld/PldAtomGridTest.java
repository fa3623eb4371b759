package org.dp4j.core.accounting.pld;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Laplace and pure-epsilon events, whose losses have point masses (atoms) at the ends of their
 * range: the grid must reach every atom, or the atom's mass (about 1/2) is sent to {@code +inf}.
 * Dense sweeps against the exact curves, found by bisection on the closed-form delta.
 */
class PldAtomGridTest {

  /** Deltas at which every swept event is checked. */
  private static final double[] DELTAS = {1e-2, 1e-5, 1e-9};

  /** Allowed excess over the exact epsilon: 1% (the accountant's documented tolerance). */
  private static final double RELATIVE_EXCESS = 0.01;

  /**
   * {@code delta(eps) = 1 - e^{(eps - eps0)/2}} for one Laplace mechanism with {@code eps0 = 1/b},
   * {@code 0 <= eps <= eps0} (Koskela, Jalko &amp; Honkela 2021, Sec. 6.1).
   */
  static double laplaceDelta(double eps0, double eps) {
    return eps >= eps0 ? 0.0 : -Math.expm1((eps - eps0) / 2);
  }

  /**
   * {@code delta(eps) = (e^{eps0} - e^{eps}) / (1 + e^{eps0})} for binary randomized response, the
   * worst eps0-DP mechanism (Kairouz, Oh &amp; Viswanath 2015), {@code 0 <= eps <= eps0}.
   */
  static double randomizedResponseDelta(double eps0, double eps) {
    return eps >= eps0 ? 0.0 : -Math.expm1(eps - eps0) / (1 + Math.exp(-eps0));
  }

  /**
   * The smallest {@code eps} in {@code [0, eps0]} with {@code curve(eps) <= delta}, by bisection to
   * adjacent doubles (the curve decreases).
   */
  static double epsilonByBisection(DoubleUnaryOperator curve, double eps0, double delta) {
    if (curve.applyAsDouble(0.0) <= delta) {
      return 0.0;
    }
    double lo = 0.0;
    double hi = eps0;
    while (true) {
      double mid = lo + 0.5 * (hi - lo);
      if (mid <= lo || mid >= hi) {
        return hi;
      }
      if (curve.applyAsDouble(mid) <= delta) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
  }

  /** 400 scales on a geometric grid over [0.5, 20], plus the audit's failing value 1.4042. */
  static DoubleStream laplaceScales() {
    return DoubleStream.concat(
        IntStream.range(0, 400).mapToDouble(i -> 0.5 * Math.pow(40.0, i / 399.0)),
        DoubleStream.of(1.4042));
  }

  /** 400 epsilons on a geometric grid over [0.05, 2], plus the audit's failing value 0.0502. */
  static DoubleStream pureEpsilons() {
    return DoubleStream.concat(
        IntStream.range(0, 400).mapToDouble(i -> 0.05 * Math.pow(40.0, i / 399.0)),
        DoubleStream.of(0.0502));
  }

  private static void assertTightUpperBound(double eps, double exact, String what) {
    assertTrue(eps < Double.POSITIVE_INFINITY, what + ": infinite");
    assertTrue(eps >= exact, what + ": " + eps + " below the exact " + exact);
    // 1e-12 absolute: the exact epsilon is 0 for large deltas, where the accountant gives 0 too.
    assertTrue(eps <= exact * (1 + RELATIVE_EXCESS) + 1e-12, what + ": " + eps + " vs " + exact);
  }

  @Test
  void everyLaplaceScaleIsFiniteAndWithinOnePercentOfExact() {
    laplaceScales()
        .forEach(
            b -> {
              PldAccountant accountant = new PldAccountant().compose(new LaplaceEvent(b));
              for (double delta : DELTAS) {
                double eps0 = 1 / b;
                double exact = epsilonByBisection(e -> laplaceDelta(eps0, e), eps0, delta);
                assertTightUpperBound(
                    accountant.epsilon(delta), exact, "b " + b + ", delta " + delta);
              }
            });
  }

  @Test
  void everyPureEpsilonIsFiniteAndWithinOnePercentOfExact() {
    pureEpsilons()
        .forEach(
            eps0 -> {
              PldAccountant accountant = new PldAccountant().compose(EpsilonDeltaEvent.pure(eps0));
              for (double delta : DELTAS) {
                double exact =
                    epsilonByBisection(e -> randomizedResponseDelta(eps0, e), eps0, delta);
                assertTightUpperBound(
                    accountant.epsilon(delta), exact, "eps0 " + eps0 + ", " + delta);
              }
              // delta = 0: the pure guarantee itself, from the atom on the top grid point.
              double pure = accountant.epsilon(0.0);
              assertTrue(pure >= eps0 && pure <= eps0 * (1 + 2e-6), "eps0 " + eps0 + ": " + pure);
            });
  }

  @Test
  void bisectionOracleAgreesWithTheClosedFormInversesAndRejectsAWrongScale() {
    SplittableRandom random = new SplittableRandom(20260602L);
    for (int i = 0; i < 200; i++) {
      double eps0 = 0.05 + 2 * random.nextDouble();
      double delta = Math.pow(10, -10 + 9 * random.nextDouble());
      double laplace = epsilonByBisection(e -> laplaceDelta(eps0, e), eps0, delta);
      assertEquals(Math.max(0, eps0 + 2 * Math.log1p(-delta)), laplace, 1e-14 * eps0);
      double rr = epsilonByBisection(e -> randomizedResponseDelta(eps0, e), eps0, delta);
      double closedForm = Math.log(Math.exp(eps0) - delta * (1 + Math.exp(eps0)));
      assertEquals(Math.max(0, closedForm), rr, 1e-13 * eps0);
      // The 1% check has teeth: a 2% wrong scale moves the exact epsilon by more than 1%.
      double wrong = epsilonByBisection(e -> laplaceDelta(1.02 * eps0, e), 1.02 * eps0, delta);
      if (laplace > 1e-3) {
        assertTrue(wrong > laplace * (1 + RELATIVE_EXCESS), eps0 + " / " + delta);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {1.4042, 0.7, 2.0, 7.3})
  void compositionsContainingAnAtomEventStayFinite(double b) {
    PrivacyEvent laplace = new LaplaceEvent(b);
    PrivacyEvent pure = EpsilonDeltaEvent.pure(0.0502);
    PrivacyEvent step = new PoissonSampledEvent(0.01, new GaussianEvent(1.0));
    PldAccountant all = new PldAccountant().compose(laplace).compose(pure).compose(step, 1000);
    double eps = all.epsilon(1e-5);
    assertTrue(eps < Double.POSITIVE_INFINITY, "eps " + eps);
    for (PrivacyEvent part : new PrivacyEvent[] {laplace, pure}) {
      assertTrue(eps >= new PldAccountant().compose(part).epsilon(1e-5), part.toString());
    }
    assertTrue(eps >= new PldAccountant().compose(step, 1000).epsilon(1e-5));
    // Basic composition of the two pure parts plus the Gaussian part bounds it from above.
    double basic = 1 / b + 0.0502 + new PldAccountant().compose(step, 1000).epsilon(1e-5);
    assertTrue(eps <= basic, eps + " > " + basic);
  }

  @Test
  void alignedSpacingReachesTheAtomExactly() {
    SplittableRandom random = new SplittableRandom(7L);
    for (int i = 0; i < 10_000; i++) {
      double atom = Math.pow(10, -3 + 5 * random.nextDouble());
      double h = atom * Math.pow(10, -4 * random.nextDouble());
      for (boolean up : new boolean[] {false, true}) {
        double aligned = PldAccountant.alignToAtom(atom, h, up);
        double n = Math.rint(atom / aligned);
        // n * aligned >= atom in exact arithmetic, and only just (a few ulps).
        BigDecimal product = new BigDecimal(n).multiply(new BigDecimal(aligned));
        assertTrue(product.compareTo(new BigDecimal(atom)) >= 0, atom + " / " + h);
        assertTrue(n * aligned <= atom * (1 + 1e-14), atom + " / " + h);
        if (!up) {
          assertTrue(aligned <= h * (1 + 1e-14), atom + " / " + h);
        } else {
          assertTrue(aligned >= h * (1 - 1e-14), atom + " / " + h);
        }
      }
    }
    assertEquals(0.25, PldAccountant.alignToAtom(Double.NaN, 0.25, false));
  }
}

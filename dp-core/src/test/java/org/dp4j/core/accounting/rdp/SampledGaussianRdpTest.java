package org.dp4j.core.accounting.rdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.dp4j.core.testing.RefData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SampledGaussianRdpTest {

  static Stream<RefData.Row> curveRows() {
    return RefData.load("sgm_rdp_curve.csv").stream();
  }

  /**
   * Every row of sgm_rdp_curve.csv (integer and fractional orders): the per-step RDP agrees with
   * the 40-digit mpmath value within 1e-9 relative, and is never below it (rounded up).
   */
  @ParameterizedTest
  @MethodSource("curveRows")
  void perStepRdpMatchesMpmath(RefData.Row row) {
    double q = row.number("q");
    double sigma = row.number("sigma");
    double order = row.number("order");
    double expected = row.number("rdp_per_step_mpmath");
    double actual = SampledGaussianRdp.perStep(q, sigma, new double[] {order})[0];
    double relative = (actual - expected) / expected;
    assertTrue(Math.abs(relative) <= 1e-9, () -> row + " got " + actual + " rel " + relative);
    assertTrue(actual >= expected * (1 - 1e-15), () -> row + " below reference: " + actual);
  }

  static Stream<long[]> seeds() {
    return Stream.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L).map(seed -> new long[] {seed});
  }

  /**
   * The quadrature used at fractional orders, evaluated at integer orders, agrees with the exact
   * binomial sum within 1e-11 relative, over seeded random (q, sigma) spanning six decades of q.
   */
  @ParameterizedTest
  @MethodSource("seeds")
  void quadratureAgreesWithExactSumAtIntegerOrders(long[] seed) {
    SplittableRandom random = new SplittableRandom(seed[0]);
    for (int trial = 0; trial < 10; trial++) {
      double q = Math.pow(10.0, -6.0 + 6.0 * random.nextDouble()) * 0.999;
      double sigma = 0.3 + 20.0 * random.nextDouble() * random.nextDouble();
      int order = 2 + random.nextInt(30);
      double exact = SampledGaussianRdp.integerOrder(q, sigma, order);
      double quadrature = SampledGaussianRdp.fractionalOrder(q, sigma, order);
      assertEquals(exact, quadrature, 1e-11 * exact, () -> q + " " + sigma + " " + order);
    }
  }

  /** Renyi divergence is non-decreasing in the order; so must our per-step curve be. */
  @ParameterizedTest
  @MethodSource("seeds")
  void nonDecreasingInOrder(long[] seed) {
    SplittableRandom random = new SplittableRandom(seed[0]);
    double[] orders = RdpAccountant.defaultOrders();
    for (int trial = 0; trial < 3; trial++) {
      double q = Math.pow(10.0, -6.0 + 6.0 * random.nextDouble());
      double sigma = 0.4 + 10.0 * random.nextDouble();
      double[] rdp = SampledGaussianRdp.perStep(q, sigma, orders);
      for (int k = 1; k < rdp.length; k++) {
        assertTrue(rdp[k] >= rdp[k - 1], "q=" + q + " sigma=" + sigma + " order " + orders[k]);
      }
    }
  }

  /** Sampling rate 1 is the Gaussian mechanism, alpha / (2 sigma^2) (Mironov 2017, Prop. 7). */
  @Test
  void unitSamplingRateIsTheGaussianMechanism() {
    double[] orders = {1.5, 2.0, 32.0, 1024.0};
    double[] rdp = SampledGaussianRdp.perStep(1.0, 1.3, orders);
    for (int k = 0; k < orders.length; k++) {
      double expected = orders[k] / (2 * 1.3 * 1.3);
      assertEquals(expected, rdp[k], 1e-10 * expected);
      assertTrue(rdp[k] >= expected);
    }
  }

  /**
   * Subsampling never hurts: the per-step RDP is at most the unsampled Gaussian's alpha/(2 sigma^2)
   * (MTZ 2019), and for tiny q it is about q^2 alpha (alpha-1) (e^{1/sigma^2} - 1) / 2 (MTZ 2019,
   * Sec. 3.3, the leading term of the binomial sum).
   */
  @Test
  void subsamplingAmplifiesAndMatchesTheSmallQAsymptote() {
    double[] orders = RdpAccountant.defaultOrders();
    for (double sigma : new double[] {0.5, 1.0, 4.0, 100.0}) {
      double[] rdp = SampledGaussianRdp.perStep(0.3, sigma, orders);
      for (int k = 0; k < orders.length; k++) {
        assertTrue(rdp[k] <= orders[k] / (2 * sigma * sigma) * (1 + 1e-10), "sigma " + sigma);
      }
    }
    double q = 1e-6;
    double sigma = 2.0;
    for (double alpha : new double[] {1.5, 2.0, 7.5, 10.0}) {
      double asymptote = q * q * alpha * (alpha - 1) * Math.expm1(1 / (sigma * sigma)) / 2;
      double rdp = SampledGaussianRdp.perStep(q, sigma, new double[] {alpha})[0] * (alpha - 1);
      assertEquals(asymptote, rdp, 1e-4 * asymptote, "alpha " + alpha);
    }
  }

  /** Extreme but legal inputs: finite, non-negative, never NaN; sigma 0 is infinite. */
  @Test
  void extremeInputsStayFiniteAndOrdered() {
    double[] orders = {1.01, 1.5, 10.9, 63.0, 1024.0, 9999.5, 10000.0};
    double[][] cases = {
      {1e-6, 1.1}, {1e-6, 1e4}, {0.999999, 0.5}, {0.5, 0.2}, {1e-300, 1.0}, {0.01, 1e12}
    };
    for (double[] c : cases) {
      double[] rdp = SampledGaussianRdp.perStep(c[0], c[1], orders);
      for (int k = 0; k < orders.length; k++) {
        double value = rdp[k];
        assertTrue(
            value > 0 && value < Double.POSITIVE_INFINITY,
            () -> "q=" + c[0] + " sigma=" + c[1] + " got " + value);
        assertTrue(k == 0 || value >= rdp[k - 1], () -> "not monotone at q=" + c[0]);
      }
    }
    double[] noNoise = SampledGaussianRdp.perStep(0.01, 0.0, orders);
    for (double value : noNoise) {
      assertEquals(Double.POSITIVE_INFINITY, value);
    }
  }

  /**
   * Below the quadrature's node budget (tiny sigma) a fractional order takes the exact value of the
   * next integer order, a valid upper bound by monotonicity in the order.
   */
  @Test
  void tinySigmaFallsBackToTheNextIntegerOrder() {
    double q = 0.01;
    double sigma = 0.01;
    double fallback = SampledGaussianRdp.perStep(q, sigma, new double[] {2.5})[0];
    double next = SampledGaussianRdp.integerOrder(q, sigma, 3);
    assertTrue(fallback >= next && fallback <= next * (1 + 1e-10));
    assertTrue(fallback >= SampledGaussianRdp.integerOrder(q, sigma, 2));
  }

  /**
   * Fractional orders of the default grid that sgm_rdp_curve.csv does not cover (1.02 ... 10.9),
   * against 60-digit mpmath quadrature (generate_fractional_orders.py beside the CSV): within 1e-9
   * relative and never below.
   */
  @ParameterizedTest
  @MethodSource("fractionalRows")
  void fractionalOrdersMatchMpmath(String row) {
    String[] cells = row.split(",");
    double q = Double.parseDouble(cells[0]);
    double sigma = Double.parseDouble(cells[2]);
    double order = Double.parseDouble(cells[3]);
    double expected = Double.parseDouble(cells[4]);
    double actual = SampledGaussianRdp.perStep(q, sigma, new double[] {order})[0];
    assertEquals(expected, actual, 1e-9 * expected, row);
    assertTrue(actual >= expected * (1 - 1e-15), row);
  }

  static Stream<String> fractionalRows() throws IOException {
    try (InputStream in =
        SampledGaussianRdpTest.class.getResourceAsStream("fractional_orders_mpmath.csv")) {
      List<String> lines =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
              .lines()
              .skip(1)
              .filter(line -> !line.isBlank())
              .toList();
      assertEquals(160, lines.size());
      return lines.stream();
    }
  }

  @Test
  void curveFileHasAllRows() {
    List<RefData.Row> rows = RefData.load("sgm_rdp_curve.csv");
    assertEquals(302, rows.size());
  }
}

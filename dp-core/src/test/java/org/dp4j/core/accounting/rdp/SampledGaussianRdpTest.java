package org.dp4j.core.accounting.rdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
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

  @Test
  void curveFileHasAllRows() {
    List<RefData.Row> rows = RefData.load("sgm_rdp_curve.csv");
    assertEquals(302, rows.size());
  }
}

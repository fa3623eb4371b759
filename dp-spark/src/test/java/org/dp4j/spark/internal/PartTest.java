package org.dp4j.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PartTest {

  private static final double[] CANDIDATES = {
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    1e-300,
    -1e-300,
    Double.MIN_VALUE,
    1e300,
    -1e300,
    Double.MAX_VALUE,
    -Double.MAX_VALUE,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    59.99,
    60.0,
    60.0000001,
    123.456,
    -7.25,
    3.0e-5,
    1e15,
    -1e15
  };

  @ParameterizedTest(name = "[{0}, {1}]")
  @CsvSource({
    "0, 60",
    "-5, 5",
    "-1e6, 3",
    "1e-9, 2e-9",
    "-1e300, 1e300",
    "-7.25, -1",
    "1e15, 1e16",
    "0, 1e-300"
  })
  void termsNeverExceedTheirBoundAndAreMonotone(double lower, double upper) {
    ValueBounds b = new ValueBounds(lower, upper);
    for (PartKind kind :
        new PartKind[] {PartKind.SUM, PartKind.CENTERED_SUM, PartKind.CENTERED_SQUARES}) {
      if (kind == PartKind.CENTERED_SQUARES && upper / 2 - lower / 2 > 1e154) {
        // Squares of half-widths beyond 1e154 overflow: such bounds are refused for variances.
        assertThrows(IllegalArgumentException.class, () -> Part.ofValues(kind, 0, b));
        continue;
      }
      Part p = Part.ofValues(kind, 0, b);
      assertTrue(p.maxTermUnits() >= 1 && p.maxTermUnits() <= Part.MAX_TERM_UNITS, p.toString());
      for (double v : CANDIDATES) {
        long u = p.units(v);
        assertTrue(
            Math.abs(u) <= p.maxTermUnits(),
            kind + " of " + v + ": " + u + " > " + p.maxTermUnits());
        for (double w : CANDIDATES) {
          if (kind != PartKind.CENTERED_SQUARES && v <= w) {
            assertTrue(p.units(v) <= p.units(w), kind + " not monotone at " + v + ", " + w);
          }
        }
      }
      // The largest term uses at least half the 2^20 units (the exponent is as fine as allowed),
      // unless the bounds are so narrow that centred terms round to 0.
      assertTrue(p.maxTermUnits() >= (1L << 19) || kind != PartKind.SUM, p.toString());
    }
  }

  @Test
  void fixedPointSumsAreExactAndOrderFree() {
    Part p = Part.ofValues(PartKind.SUM, 0, new ValueBounds(0, 60));
    double[] values = {0.1, 59.9, 1e-7, 33.3333, 12.5, 60, 0.3};
    long forward = 0;
    long backward = 0;
    for (int i = 0; i < values.length; i++) {
      forward += p.units(values[i]);
      backward += p.units(values[values.length - 1 - i]);
    }
    assertEquals(forward, backward);
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    // Resolution 2^-14 per value for bounds [0, 60] (60 * 2^14 < 2^20).
    assertEquals(sum, p.toValue(forward), values.length * 0x1.0p-15);
  }

  @Test
  void countsAreOneUnitPerRowAndSumsAreClampedToExactDoubles() {
    assertEquals(1, Part.count().maxTermUnits());
    assertEquals(7.0, Part.count().perGroupUnits(7));
    assertEquals(1.0, Part.distinctUnits().perGroupUnits(7));
    assertEquals((double) Part.MAX_EXACT_SUM, Part.exactSum(Long.MAX_VALUE));
    assertEquals((double) -Part.MAX_EXACT_SUM, Part.exactSum(Long.MIN_VALUE));
    assertEquals(12345.0, Part.exactSum(12345));
    assertThrows(
        IllegalArgumentException.class,
        () -> Part.ofValues(PartKind.SUM, 0, new ValueBounds(1, 1)));
    assertThrows(IllegalArgumentException.class, () -> new ValueBounds(Double.NaN, 1));
    assertThrows(
        IllegalArgumentException.class, () -> new ValueBounds(0, Double.POSITIVE_INFINITY));
  }
}

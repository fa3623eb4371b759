package org.dp4j.bench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTest {

  @Test
  void medianOfOddAndEvenCountsLeavesTheInputAlone() {
    double[] odd = {3.0, 1.0, 2.0};
    assertEquals(2.0, Summary.median(odd));
    assertEquals(3.0, odd[0], "input unchanged");
    assertEquals(2.5, Summary.median(new double[] {4.0, 1.0, 2.0, 3.0}));
    assertEquals(1.0, Summary.min(odd));
    assertEquals(3.0, Summary.max(odd));
    assertThrows(IllegalArgumentException.class, () -> Summary.median(new double[0]));
  }

  @Test
  void relativeErrorIsUndefinedForAZeroTruth() {
    assertEquals(0.1, Summary.relativeError(110, 100), 1e-12);
    assertEquals(0.1, Summary.relativeError(-110, -100), 1e-12);
    assertTrue(Double.isNaN(Summary.relativeError(1, 0)));
  }

  @Test
  void optionsAreKeyValuePairs() {
    assertEquals(
        Map.of("rows", "10", "plot", "x.png"),
        SparkAggregationBenchmark.options(new String[] {"--rows", "10", "--plot", "x.png"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> SparkAggregationBenchmark.options(new String[] {"--rows"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> SparkAggregationBenchmark.options(new String[] {"rows", "10"}));
  }
}

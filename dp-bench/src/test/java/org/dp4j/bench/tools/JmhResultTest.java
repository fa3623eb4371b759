package org.dp4j.bench.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading JMH's JSON and the report helpers. */
class JmhResultTest {

  /** The shape JMH 1.37 writes with {@code -rf json} (abridged: fields the reader ignores cut). */
  private static final String JSON =
      """
      [
          {
              "jmhVersion" : "1.37",
              "benchmark" : "org.dp4j.bench.mechanisms.NoiseScalingBenchmark.gaussianArray",
              "mode" : "avgt",
              "threads" : 1,
              "forks" : 2,
              "jdkVersion" : "25.0.1",
              "jvmArgs" : [ "-Xmx1g", "-Dx=\\"quoted\\"" ],
              "params" : { "length" : "LENGTH_2_20", "source" : "SECURE" },
              "primaryMetric" : {
                  "score" : 6000.0,
                  "scoreError" : 1.5E2,
                  "scorePercentiles" : { "0.0" : 5000.0, "100.0" : 9000.0 },
                  "scoreUnit" : "us/op",
                  "rawData" : [ [ 5000.0, 9000.0 ], [ 6000.0 ] ]
              },
              "secondaryMetrics" : { }
          },
          {
              "benchmark" : "org.dp4j.bench.mechanisms.NoiseScalingBenchmark.baselineArrayCopy",
              "mode" : "avgt",
              "primaryMetric" : { "scoreUnit" : "us/op", "rawData" : [ [ 40, 20, 30, 10 ] ] },
              "secondaryMetrics" : { }
          }
      ]
      """;

  @Test
  void readsParamsAndPoolsForks() {
    List<JmhResult> results = JmhResult.parse(JSON);
    assertEquals(2, results.size());
    JmhResult noise = results.get(0);
    assertEquals("NoiseScalingBenchmark", noise.simpleClass());
    assertEquals("gaussianArray", noise.method());
    assertEquals(Map.of("length", "LENGTH_2_20", "source", "SECURE"), noise.params());
    assertArrayEquals(new double[] {5000, 9000, 6000}, noise.iterations());
    assertEquals(6000, noise.median());
    assertEquals(5000, noise.min());
    assertEquals(9000, noise.max());
    assertEquals("25.0.1", noise.jdkVersion());
    JmhResult copy = results.get(1);
    assertEquals(25, copy.median());
    assertEquals("", copy.param("length"));
    assertEquals("", copy.jdkVersion(), "a file without jdkVersion");
  }

  @Test
  void rejectsMalformedJson() {
    assertThrows(IllegalArgumentException.class, () -> JmhResult.parse("{}"));
    assertThrows(IllegalArgumentException.class, () -> JmhResult.parse("[ {\"a\" : 1 "));
    assertThrows(IllegalArgumentException.class, () -> JmhResult.parse("[] x"));
    assertThrows(
        RuntimeException.class, () -> JmhResult.parse("[ { \"benchmark\" : \"a.B.c\" } ]"));
  }

  @Test
  void tableShowsMedianAndRange() {
    String table = BenchmarkPlots.markdownTable(JmhResult.parse(JSON));
    assertTrue(
        table.contains(
            "| `NoiseScalingBenchmark.gaussianArray` | length=LENGTH_2_20, "
                + "source=SECURE | 6,000 | 5,000–9,000 | us/op | 3 |"),
        table);
  }

  @Test
  void lengthsAndNumbers() {
    assertEquals(1L << 24, BenchmarkPlots.lengthOf("LENGTH_2_24"));
    assertEquals(1L << 16, BenchmarkPlots.lengthOf("B64_P2_16"));
    assertThrows(IllegalArgumentException.class, () -> BenchmarkPlots.lengthOf("LARGE"));
    assertEquals("0.0123", BenchmarkPlots.num(0.012345));
    assertEquals("123", BenchmarkPlots.num(123.4));
    assertEquals("1.50", BenchmarkPlots.num(1.5));
    assertEquals("NaN", BenchmarkPlots.num(Double.NaN));
    assertEquals("8.08e9", BenchmarkPlots.num(8_077_819_316.0));
    assertEquals("999,999", BenchmarkPlots.num(999_999.4));
  }

  @Test
  void accountingLabelsMatchTheAnchors() {
    String json =
        """
        [ { "benchmark" : "org.dp4j.bench.core.accounting.RdpBenchmark.freshEpsilon", "mode" : "avgt",
            "params" : { "steps" : "HUNDRED_THOUSAND" },
            "primaryMetric" : { "scoreUnit" : "us/op", "rawData" : [ [ 800.0 ] ] } },
          { "benchmark" : "org.dp4j.bench.core.calibration.CalibrationBenchmark.dpSgdNoiseMultiplier",
            "mode" : "ss", "params" : { "accountant" : "PLD", "steps" : "10000" },
            "primaryMetric" : { "scoreUnit" : "ms/op", "rawData" : [ [ 200.0 ] ] } } ]
        """;
    Map<String, Double> ms = BenchmarkPlots.accountingMillis(JmhResult.parse(json));
    assertEquals(2, ms.size());
    assertEquals(0.8, ms.get("RDP epsilon, 10^5 steps"), 1e-12);
    assertEquals(200.0, ms.get("calibration PLD, 10^4 steps"), 1e-12);
  }
}

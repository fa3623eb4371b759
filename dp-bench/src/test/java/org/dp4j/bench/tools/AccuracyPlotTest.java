package org.dp4j.bench.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing the results CSV and the per-epsilon means the figure plots. */
class AccuracyPlotTest {

  private static final List<String> CSV =
      List.of(
          "# comment",
          "model,epsilon,noise_multiplier,test_accuracy,epochs",
          "mlp,3,0.74,0.80,10",
          "",
          "mlp,3,0.74,0.90,10",
          "mlp,1,2.1,0.70,10",
          "mlp,non-private,,0.95,10",
          "cnn,8,0.5,0.85,5");

  @Test
  void parsesPrivateAndBaselineRuns() {
    List<AccuracyPlot.Run> runs = AccuracyPlot.parse(CSV);
    assertEquals(5, runs.size());
    assertEquals(new AccuracyPlot.Run("mlp", "mlp", 3.0, 0.80), runs.get(0));
    assertFalse(runs.get(3).isPrivate());
    assertTrue(runs.get(4).isPrivate());
  }

  @Test
  void meansAreTakenPerEpsilonInIncreasingOrder() {
    Map<Double, Double> means = AccuracyPlot.meanByEpsilon(AccuracyPlot.parse(CSV), "mlp");
    assertEquals(List.of(1.0, 3.0), List.copyOf(means.keySet()));
    assertEquals(0.70, means.get(1.0), 1e-12);
    assertEquals(0.85, means.get(3.0), 1e-12);
  }

  @Test
  void aSeriesColumnSeparatesSettingsOfOneModel() {
    List<AccuracyPlot.Run> runs =
        AccuracyPlot.parse(
            List.of(
                "model,epsilon,noise_multiplier,test_accuracy,series",
                "cnn,3,0.6,0.80,cnn b256",
                "cnn,3,0.8,0.90,cnn b1024",
                "cnn,3,0.8,0.92,cnn b1024",
                "cnn,non-private,,0.95,"));
    assertEquals("cnn", runs.get(3).series(), "a blank series falls back to the model");
    assertEquals(0.80, AccuracyPlot.meanByEpsilon(runs, "cnn b256").get(3.0), 1e-12);
    assertEquals(0.91, AccuracyPlot.meanByEpsilon(runs, "cnn b1024").get(3.0), 1e-12);
  }

  @Test
  void rejectsMalformedRowsNamingTheLine() {
    IllegalArgumentException header =
        assertThrows(IllegalArgumentException.class, () -> AccuracyPlot.parse(List.of("a,b,c,d")));
    assertTrue(header.getMessage().contains("line 1"), header.getMessage());
    String head = "model,epsilon,noise_multiplier,test_accuracy";
    assertThrows(
        IllegalArgumentException.class, () -> AccuracyPlot.parse(List.of(head, "m,x,1,0.5")));
    assertThrows(
        IllegalArgumentException.class, () -> AccuracyPlot.parse(List.of(head, "m,-1,1,0.5")));
    assertThrows(
        IllegalArgumentException.class, () -> AccuracyPlot.parse(List.of(head, "m,NaN,1,0.5")));
    assertThrows(
        IllegalArgumentException.class,
        () -> AccuracyPlot.parse(List.of(head, "m,Infinity,1,0.5")));
    IllegalArgumentException accuracy =
        assertThrows(
            IllegalArgumentException.class, () -> AccuracyPlot.parse(List.of(head, "m,3,1,1.5")));
    assertTrue(
        accuracy.getMessage().contains("line 2") && accuracy.getMessage().contains("1.5"),
        accuracy.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AccuracyPlot.parse(List.of(head, "m,3")));
    assertThrows(IllegalArgumentException.class, () -> AccuracyPlot.parse(List.of(head)));
    IllegalArgumentException comma =
        assertThrows(
            IllegalArgumentException.class,
            () -> AccuracyPlot.parse(List.of(head + ",series", "m,3,1,0.5,batch 8, 5 epochs")));
    assertTrue(
        comma.getMessage().contains("line 2")
            && comma.getMessage().contains("at most the header's 5"),
        comma.getMessage());
  }
}

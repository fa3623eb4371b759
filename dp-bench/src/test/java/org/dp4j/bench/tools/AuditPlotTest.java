package org.dp4j.bench.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading dp4j audit --json lines and tabulating them. */
class AuditPlotTest {

  private static final String CORRECT =
      "{\"canary_kind\": \"gradient\", \"canary_score\": \"likelihood-ratio\", \"canaries\": 1000,"
          + " \"claimed_epsilon\": 0.9999991, \"lower_bound\": %s, \"exceeds_claim\": false,"
          + " \"fdp_epsilon_within_dp_sgd\": 0.4}";

  private static final String BROKEN =
      "{\"canary_kind\": \"gradient\", \"canary_score\": \"sum\", \"canaries\": 1000,"
          + " \"claimed_epsilon\": 1.0000001, \"lower_bound\": 1.6, \"exceeds_claim\": true,"
          + " \"understated_noise_factor\": 4.0, \"test_accuracy\": 0.9}";

  @Test
  void groupsRunsBySeriesAndTarget() {
    List<AuditPlot.Run> runs =
        AuditPlot.parse(
            List.of(
                "# comment",
                String.format(CORRECT, "0.2"),
                "",
                String.format(CORRECT, "0.4"),
                BROKEN));
    assertEquals(3, runs.size());
    assertEquals("gradient canaries (m = 1000), likelihood-ratio score", runs.get(0).series());
    assertEquals(
        "gradient canaries (m = 1000), sum score, noise understated x4 (deliberate fault)",
        runs.get(2).series());
    assertTrue(Double.isNaN(runs.get(2).fdpEpsilon()));
    String table = AuditPlot.table(runs);
    assertTrue(
        table.contains(
            "| gradient canaries (m = 1000), likelihood-ratio score | 1 | 1000 | 2 | 0.300"
                + " (0.200-0.400) | 0.300 | 0 of 2 | 0.400 |"),
        table);
    assertTrue(table.contains("| 1.600 (1.600-1.600) | 1.600 | 1 of 1 | - |"), table);
  }

  @Test
  void aLineWithoutTheBoundIsRefusedByNumber() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                AuditPlot.parse(
                    List.of(
                        "{\"canary_kind\": \"gradient\", \"canary_score\": \"sum\","
                            + " \"canaries\": 10, \"claimed_epsilon\": 1}")));
    assertTrue(e.getMessage().startsWith("line 1 must have the field lower_bound"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AuditPlot.parse(List.of("# nothing")));
    assertEquals(
        "line 1: lower_bound must be finite, got NaN",
        assertThrows(
                IllegalArgumentException.class,
                () -> AuditPlot.parse(List.of(String.format(CORRECT, "NaN"))))
            .getMessage());
    assertEquals(
        "line 1: lower_bound must be a number, got null",
        assertThrows(
                IllegalArgumentException.class,
                () -> AuditPlot.parse(List.of(String.format(CORRECT, "null"))))
            .getMessage());
  }
}

package org.dp4j.spark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.dp4j.spark.StatisticalChecks;
import org.junit.jupiter.api.Test;

/** The bounding kernel outside Spark, on sorted rows {@code [unit, group, value]}. */
class ContributionBoundingTest {

  private static final List<Part> PARTS =
      List.of(
          Part.count(),
          Part.distinctUnits(),
          Part.ofValues(PartKind.SUM, 0, new ValueBounds(0, 100)));

  private static ExecutionSpec spec(int k, int m, long seed, boolean histogram) {
    List<MechanismSpec> none = Arrays.asList(new MechanismSpec[PARTS.size()]);
    List<HistogramSpec> histograms =
        histogram ? List.of(new HistogramSpec(0, new ValueBounds(0, 100), 101)) : List.of();
    return new ExecutionSpec(
        1,
        List.of("v"),
        k,
        m,
        PARTS,
        none,
        histograms,
        List.of(),
        SelectionSpec.publicGroups(),
        List.of(),
        0.95,
        RandomnessMode.SEEDED_WITHOUT_NOISE,
        seed,
        SipHash.withKey(seed, ~seed));
  }

  /** Sorted input: per unit, per group, values ascending. */
  private static List<Row> rows(Object[][] unitGroupValue) {
    List<Row> rows = new ArrayList<>();
    for (Object[] r : unitGroupValue) {
      rows.add(RowFactory.create(r));
    }
    rows.sort(
        (a, b) -> {
          int c = a.getString(0).compareTo(b.getString(0));
          if (c != 0) {
            return c;
          }
          c = a.getString(1).compareTo(b.getString(1));
          return c != 0 ? c : Double.compare(a.getDouble(2), b.getDouble(2));
        });
    return rows;
  }

  private static List<Row> bound(ExecutionSpec spec, List<Row> input) {
    List<Row> out = new ArrayList<>();
    Iterator<Row> it = new ContributionBounding(spec).call(input.iterator());
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void anAdversarialUnitKeepsAtMostKGroupsAndMRowsPerGroup() {
    List<Object[]> raw = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      raw.add(new Object[] {"adversary", String.format("g%03d", i % 500), (double) (i % 1000)});
    }
    for (int u = 0; u < 50; u++) {
      raw.add(new Object[] {"u" + u, "g001", 5.0});
    }
    List<Row> out = bound(spec(3, 2, 11, true), rows(raw.toArray(new Object[0][])));
    Map<String, Long> rowsPerGroup = new HashMap<>();
    int sumsRows = 0;
    int binRows = 0;
    for (Row r : out) {
      if (r.getInt(1) < 0) {
        sumsRows++;
        assertTrue(r.getLong(3) <= 2, "at most M rows: " + r);
        assertEquals(1L, r.getLong(4));
        rowsPerGroup.merge(r.getString(0), r.getLong(3), Long::sum);
      } else {
        binRows++;
      }
    }
    // 3 groups of the adversary plus one for each ordinary unit.
    assertEquals(3 + 50, sumsRows);
    assertEquals(3 * 2 + 50, binRows);
  }

  @Test
  void keptGroupsAreAUniformSubsetOverKeys() {
    // One unit in 5 groups, K = 2: every group kept with probability 2/5, every pair with 1/10.
    List<Row> input =
        rows(
            new Object[][] {
              {"u", "a", 1.0},
              {"u", "b", 1.0},
              {"u", "c", 1.0},
              {"u", "d", 1.0},
              {"u", "e", 1.0},
              {"u", "e", 2.0}
            });
    int trials = 20_000;
    Map<String, Integer> singles = new HashMap<>();
    Map<String, Integer> pairs = new HashMap<>();
    for (int t = 0; t < trials; t++) {
      List<String> kept = new ArrayList<>();
      for (Row r : bound(spec(2, 1, t, false), input)) {
        kept.add(r.getString(0));
      }
      assertEquals(2, kept.size());
      kept.sort(null);
      kept.forEach(g -> singles.merge(g, 1, Integer::sum));
      pairs.merge(String.join("", kept), 1, Integer::sum);
    }
    // Each proportion within 5.3 binomial standard deviations: false failure about 1.2e-7 each.
    for (String g : List.of("a", "b", "c", "d", "e")) {
      assertEquals(
          0.4,
          singles.getOrDefault(g, 0) / (double) trials,
          StatisticalChecks.binomialTolerance(0.4, trials),
          g);
    }
    assertEquals(10, pairs.size());
    for (Map.Entry<String, Integer> e : pairs.entrySet()) {
      assertEquals(
          0.1,
          e.getValue() / (double) trials,
          StatisticalChecks.binomialTolerance(0.1, trials),
          e.getKey());
    }
  }

  @Test
  void keptRowsAreAUniformSubsetCountingDuplicates() {
    // Rows 1, 1, 1, 2 of one (unit, group), M = 1: value 1 kept with probability 3/4.
    List<Row> input =
        rows(new Object[][] {{"u", "a", 1.0}, {"u", "a", 1.0}, {"u", "a", 1.0}, {"u", "a", 2.0}});
    Part sum = PARTS.get(2);
    int trials = 20_000;
    int ones = 0;
    for (int t = 0; t < trials; t++) {
      List<Row> out = bound(spec(1, 1, t, false), input);
      assertEquals(1, out.size());
      assertEquals(1L, out.get(0).getLong(1));
      ones += out.get(0).getLong(3) == sum.units(1.0) ? 1 : 0;
    }
    // False failure about 1.2e-7; a choice among distinct values would give 1/2, 25 sd away.
    assertEquals(0.75, ones / (double) trials, StatisticalChecks.binomialTolerance(0.75, trials));
  }

  @Test
  void sameKeySameChoiceAndFixedPointSumsOfTheKeptRows() {
    List<Row> input =
        rows(
            new Object[][] {
              {"u", "a", 10.0},
              {"u", "a", 20.5},
              {"u", "a", 30.25},
              {"v", "a", 1e9},
              {"v", "b", -3.0},
              {"w", "b", Double.POSITIVE_INFINITY}
            });
    List<Row> first = bound(spec(1, 2, 5, false), input);
    assertEquals(first, bound(spec(1, 2, 5, false), input));
    Part sum = PARTS.get(2);
    Map<String, Long> rows = new HashMap<>();
    for (Row r : first) {
      rows.merge(r.getString(0), r.getLong(1), Long::sum);
      // Every sum is of at most 2 clamped values (infinity and 1e9 clamp to 100, -3 to 0).
      assertTrue(r.getLong(3) <= 2 * sum.units(100.0) && r.getLong(3) >= 0, r.toString());
    }
    // u keeps 2 of its 3 rows in a; v keeps one of its two groups (K = 1); w its one row.
    assertEquals(2 + 1 + 1, rows.values().stream().mapToLong(Long::longValue).sum());
  }
}

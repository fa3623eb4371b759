package org.dp4j.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.dp4j.spark.internal.ContributionBounding;
import org.dp4j.spark.internal.ExecutionSpec;

/**
 * A query's executor code run in one JVM without Spark, for statistical tests that need thousands
 * of repetitions: the same {@link ContributionBounding} and the same aggregated row layout the
 * Spark plan produces (sums per group, histogram entries), ready for a {@code GroupReleaser}.
 */
final class LocalRun {

  private LocalRun() {}

  /**
   * Bounds and aggregates rows {@code [unit, g_0.., v_0..]} (already past the bad-row rule).
   *
   * @return one aggregated row per group: {@code [g.., rows, units, s.., (hist)]}
   */
  static List<Row> aggregate(ExecutionSpec spec, List<Row> input) {
    int groups = spec.groupColumns();
    int values = spec.valueColumns().size();
    List<Row> sorted = new ArrayList<>(input);
    sorted.sort(
        Comparator.comparing((Row r) -> r.get(0).toString())
            .thenComparing(r -> key(r, 1, groups).toString())
            .thenComparing(
                r -> {
                  StringBuilder b = new StringBuilder();
                  for (int v = 0; v < values; v++) {
                    b.append(String.format("%030.10f,", r.getDouble(1 + groups + v)));
                  }
                  return b.toString();
                }));
    boolean histograms = !spec.histograms().isEmpty();
    int valueParts = spec.valuePartIndices().size();
    Map<List<Object>, long[]> sums = new LinkedHashMap<>();
    Map<List<Object>, Map<List<Integer>, Long>> hist = new LinkedHashMap<>();
    new ContributionBounding(spec)
        .call(sorted.iterator())
        .forEachRemaining(
            r -> {
              List<Object> key = key(r, 0, groups);
              int k = groups;
              if (histograms && r.getInt(groups) >= 0) {
                hist.computeIfAbsent(key, x -> new LinkedHashMap<>())
                    .merge(
                        List.of(r.getInt(groups), r.getInt(groups + 1)),
                        r.getLong(groups + 2),
                        Long::sum);
                return;
              }
              if (histograms) {
                k += 2;
              }
              long[] s = sums.computeIfAbsent(key, x -> new long[2 + valueParts]);
              for (int i = 0; i < 2 + valueParts; i++) {
                s[i] += r.getLong(k + i);
              }
            });
    List<Row> out = new ArrayList<>();
    for (Map.Entry<List<Object>, long[]> e : sums.entrySet()) {
      List<Object> fields = new ArrayList<>(e.getKey());
      for (long x : e.getValue()) {
        fields.add(x);
      }
      if (histograms) {
        List<Row> entries = new ArrayList<>();
        hist.getOrDefault(e.getKey(), Map.of())
            .forEach((hb, n) -> entries.add(RowFactory.create(hb.get(0), hb.get(1), n)));
        fields.add(scala.jdk.javaapi.CollectionConverters.asScala(entries).toSeq());
      }
      out.add(RowFactory.create(fields.toArray()));
    }
    return out;
  }

  /** An aggregated row of a public group absent from the data: nulls, as the outer join gives. */
  static Row absentGroup(ExecutionSpec spec, Object... group) {
    int width =
        group.length + 2 + spec.valuePartIndices().size() + (spec.histograms().isEmpty() ? 0 : 1);
    Object[] fields = new Object[width];
    System.arraycopy(group, 0, fields, 0, group.length);
    return RowFactory.create(fields);
  }

  private static List<Object> key(Row r, int from, int count) {
    List<Object> key = new ArrayList<>();
    for (int g = 0; g < count; g++) {
      key.add(r.get(from + g));
    }
    return key;
  }
}

package org.dp4j.spark.internal;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Contribution bounding, streamed over one Spark partition in which all rows of a privacy unit are
 * together and sorted by (unit, groups, values).
 *
 * <p><b>Input rows</b>: {@code [unit, g_0..g_{n-1}, v_0..v_{m-1}]}, values non-null, non-NaN
 * doubles. <b>Output rows</b>, one per kept (unit, group): {@code [g_0..g_{n-1}, rows, units,
 * s_0..]} where {@code rows <= M} is the number of kept rows, {@code units = 1}, and {@code s_i}
 * the fixed-point sum of value part {@code i} over the kept rows; when the query has quantiles,
 * rows carry two more fields after the groups, {@code hq, hb} = (-1, -1), and every kept value adds
 * a row {@code [g.., hq, hb, 1, 0, 0..]} for its bin {@code hb} of histogram {@code hq}.
 *
 * <p><b>Choices.</b> Each (unit, group) gets the priority {@code PRF(unit, group)} and each of its
 * rows the priority {@code PRF(that, i)}, {@code i} its position in the sorted run; the M rows with
 * the smallest priorities are kept in each group and the K groups with the smallest priorities per
 * unit (see {@link SipHash}): uniform choices, the same in every retry of a task. Memory is {@code
 * O(K M)} per task whatever a unit's number of rows or groups.
 */
public final class ContributionBounding implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  private static final long ROW_DOMAIN = 0x526f77L; // "Row"

  private final ExecutionSpec spec;

  /**
   * The bounding of one query.
   *
   * @param spec the query's execution spec
   */
  public ContributionBounding(ExecutionSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    return new Bounder(spec, input);
  }

  /** The per-(unit, group) result kept by the K-heap. */
  private record Partial(Object[] group, long rows, long[] sums, int[][] bins) {}

  private static final class Bounder implements Iterator<Row> {
    private final ExecutionSpec spec;
    private final Iterator<Row> input;
    private final int groups;
    private final int values;
    private final int[] valueParts;
    private final Part[] parts;
    private final double[][] candidates;
    private final boolean histograms;
    private final KeyEncoder encoder = new KeyEncoder();
    private final SmallestPriorities<Partial> keptGroups;
    private final SmallestPriorities<double[]> keptRows;
    private final ArrayDeque<Row> output = new ArrayDeque<>();

    private Object currentUnit;
    private Object[] currentGroup;
    private long runPriority;
    private long runIndex;
    private long groupSequence;
    private boolean inUnit;

    Bounder(ExecutionSpec spec, Iterator<Row> input) {
      this.spec = spec;
      this.input = input;
      this.groups = spec.groupColumns();
      this.values = spec.valueColumns().size();
      List<Integer> vp = spec.valuePartIndices();
      this.valueParts = vp.stream().mapToInt(Integer::intValue).toArray();
      this.parts = spec.parts().toArray(new Part[0]);
      this.histograms = !spec.histograms().isEmpty();
      this.candidates = new double[spec.histograms().size()][];
      for (int h = 0; h < candidates.length; h++) {
        candidates[h] = spec.histograms().get(h).candidateValues();
      }
      this.keptGroups = new SmallestPriorities<>(spec.maxGroupsPerUnit());
      this.keptRows = new SmallestPriorities<>(spec.maxRowsPerGroup());
    }

    @Override
    public boolean hasNext() {
      while (output.isEmpty()) {
        if (!input.hasNext()) {
          if (inUnit) {
            finishGroup();
            finishUnit();
            inUnit = false;
          }
          return !output.isEmpty();
        }
        consume(input.next());
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return output.poll();
    }

    private void consume(Row row) {
      Object unit = row.get(0);
      if (!inUnit || !Objects.equals(unit, currentUnit)) {
        if (inUnit) {
          finishGroup();
          finishUnit();
        }
        inUnit = true;
        currentUnit = unit;
        startGroup(row);
      } else if (!sameGroup(row)) {
        finishGroup();
        startGroup(row);
      }
      long priority = spec.boundingKey().hash(ROW_DOMAIN ^ runPriority, runIndex);
      long index = runIndex++;
      if (keptRows.accepts(priority, index)) {
        double[] v = new double[values];
        for (int j = 0; j < values; j++) {
          v[j] = row.getDouble(1 + groups + j);
        }
        keptRows.add(priority, index, v);
      }
    }

    private boolean sameGroup(Row row) {
      for (int g = 0; g < groups; g++) {
        if (!Objects.equals(row.get(1 + g), currentGroup[g])) {
          return false;
        }
      }
      return true;
    }

    private void startGroup(Row row) {
      currentGroup = new Object[groups];
      encoder.reset();
      encoder.put(currentUnit);
      for (int g = 0; g < groups; g++) {
        currentGroup[g] = row.get(1 + g);
        encoder.put(currentGroup[g]);
      }
      runPriority = spec.boundingKey().hash(encoder.bytes(), encoder.length());
      runIndex = 0;
      keptRows.clear();
    }

    private void finishGroup() {
      long sequence = groupSequence++;
      if (keptGroups.accepts(runPriority, sequence)) {
        List<double[]> kept = keptRows.payloads();
        long[] sums = new long[valueParts.length];
        int[][] bins = new int[candidates.length][];
        for (int h = 0; h < candidates.length; h++) {
          bins[h] = new int[kept.size()];
        }
        for (int r = 0; r < kept.size(); r++) {
          double[] v = kept.get(r);
          for (int i = 0; i < valueParts.length; i++) {
            Part part = parts[valueParts[i]];
            sums[i] += part.units(v[part.valueIndex()]);
          }
          for (int h = 0; h < candidates.length; h++) {
            HistogramSpec hs = spec.histograms().get(h);
            bins[h][r] = hs.bin(candidates[h], v[hs.valueIndex()]);
          }
        }
        keptGroups.add(runPriority, sequence, new Partial(currentGroup, kept.size(), sums, bins));
      }
      keptRows.clear();
    }

    private void finishUnit() {
      for (Partial p : keptGroups.payloads()) {
        output.add(sumsRow(p));
        for (int h = 0; h < p.bins().length; h++) {
          for (int bin : p.bins()[h]) {
            output.add(binRow(p.group(), h, bin));
          }
        }
      }
      keptGroups.clear();
      groupSequence = 0;
    }

    private Row sumsRow(Partial p) {
      int extra = histograms ? 2 : 0;
      Object[] fields = new Object[groups + extra + 2 + valueParts.length];
      System.arraycopy(p.group(), 0, fields, 0, groups);
      int k = groups;
      if (histograms) {
        fields[k++] = -1;
        fields[k++] = -1;
      }
      fields[k++] = p.rows();
      fields[k++] = 1L;
      for (long s : p.sums()) {
        fields[k++] = s;
      }
      return RowFactory.create(fields);
    }

    private Row binRow(Object[] group, int histogram, int bin) {
      Object[] fields = new Object[groups + 2 + 2 + valueParts.length];
      System.arraycopy(group, 0, fields, 0, groups);
      int k = groups;
      fields[k++] = histogram;
      fields[k++] = bin;
      fields[k++] = 1L;
      fields[k++] = 0L;
      for (int i = 0; i < valueParts.length; i++) {
        fields[k++] = 0L;
      }
      return RowFactory.create(fields);
    }
  }
}

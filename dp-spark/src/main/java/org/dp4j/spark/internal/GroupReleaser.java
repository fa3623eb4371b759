package org.dp4j.spark.internal;

import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.spark.sql.Row;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.mechanisms.ConfidenceInterval;
import org.dp4j.mechanisms.NoiseMechanism;
import org.dp4j.mechanisms.selection.ExponentialMechanism;

/**
 * The per-group release kernel, run on executors (and directly by tests, without Spark): decides
 * whether a group is released and computes its noisy columns from its bounded sums.
 *
 * <p><b>Input</b>: an aggregated group row {@code [g_0..g_{n-1}, rows, units, s_0.., hist]} (see
 * {@link ContributionBounding}; {@code hist} only with quantiles, a list of {@code (hq, hb, n)}
 * structs; null fields, as in a public group absent from the data, count as 0). <b>Output</b>: the
 * group values followed by the released columns, or null when the group is not released.
 *
 * <p>Noise comes from the mechanisms of the {@link ExecutionSpec}, built once on the given source:
 * one noisy value per part and group, shared by every column that uses the part (a mean and a count
 * use the same noisy count). Not thread-safe: one per task.
 */
public final class GroupReleaser {

  private final ExecutionSpec spec;
  private final UniformRandomProvider random;
  private final NoiseMechanism[] mechanisms;
  private final ExponentialMechanism[] quantileMechanisms;
  private final double[][] candidates;
  private final int[] sumField;
  private final int groups;
  private final boolean noisy;

  /**
   * A releaser drawing from {@code random}.
   *
   * @param spec the query
   * @param random the source: secure for a private release; unused (may be null) without noise
   */
  public GroupReleaser(ExecutionSpec spec, UniformRandomProvider random) {
    this.spec = spec;
    this.random = random;
    this.groups = spec.groupColumns();
    this.noisy = spec.noisy();
    int n = spec.parts().size();
    this.mechanisms = new NoiseMechanism[n];
    this.sumField = new int[n];
    List<Integer> valueParts = spec.valuePartIndices();
    for (int i = 0; i < n; i++) {
      Part p = spec.parts().get(i);
      sumField[i] =
          switch (p.kind()) {
            case COUNT -> groups;
            case DISTINCT_UNITS -> groups + 1;
            default -> groups + 2 + valueParts.indexOf(i);
          };
      if (noisy) {
        mechanisms[i] = spec.mechanisms().get(i).build(random);
      }
    }
    this.quantileMechanisms = new ExponentialMechanism[spec.quantiles().size()];
    for (int q = 0; q < quantileMechanisms.length && noisy; q++) {
      QuantileSpec qs = spec.quantiles().get(q);
      quantileMechanisms[q] =
          ExponentialMechanism.of(
              PrivacyBudget.pure(qs.epsilonPerGroup()), qs.utilitySensitivity(), random);
    }
    this.candidates = new double[spec.histograms().size()][];
    for (int h = 0; h < candidates.length; h++) {
      candidates[h] = spec.histograms().get(h).candidateValues();
    }
  }

  /**
   * Releases one group, or not.
   *
   * @param row the aggregated group row
   * @return the output fields (groups, then columns), or null when the group is not released
   */
  public Object[] release(Row row) {
    int parts = spec.parts().size();
    double[] noisyUnits = new double[parts];
    boolean[] done = new boolean[parts];
    long units = longField(row, groups + 1);
    SelectionSpec selection = spec.selection();
    boolean released;
    switch (selection.kind()) {
      case PUBLIC -> released = true;
      case GAUSSIAN_THRESHOLD -> {
        if (noisy) {
          int d = selection.distinctPart();
          noisyUnits[d] = noisyPart(row, d);
          done[d] = true;
          released = selection.threshold().passes(noisyUnits[d]);
        } else {
          released = units > 0;
        }
      }
      case TRUNCATED_GEOMETRIC ->
          released = noisy ? selection.geometric().release(units, random) : units > 0;
      default -> throw new IllegalStateException("unknown selection " + selection.kind());
    }
    if (!released) {
      return null;
    }
    for (int i = 0; i < parts; i++) {
      if (!done[i]) {
        noisyUnits[i] = noisyPart(row, i);
      }
    }
    long[][] hist = histograms(row);
    int width = 0;
    for (OutputSpec o : spec.outputs()) {
      width += o.width();
    }
    Object[] out = new Object[groups + width];
    for (int g = 0; g < groups; g++) {
      out[g] = row.get(g);
    }
    int k = groups;
    for (OutputSpec o : spec.outputs()) {
      double[] v = column(o, noisyUnits, hist);
      out[k++] = v[0];
      if (o.interval()) {
        out[k++] = v[1];
        out[k++] = v[2];
      }
    }
    return out;
  }

  private double noisyPart(Row row, int i) {
    double exact = Part.exactSum(longField(row, sumField[i]));
    return noisy ? mechanisms[i].addNoise(exact) : exact;
  }

  /** {value, low, high} of one column (low/high only computed when asked). */
  private double[] column(OutputSpec o, double[] noisyUnits, long[][] hist) {
    List<Integer> p = o.parts();
    switch (o.kind()) {
      case COUNT, DISTINCT_UNITS, SUM -> {
        int i = p.get(0);
        Part part = spec.parts().get(i);
        double value = part.toValue(noisyUnits[i]);
        if (!o.interval()) {
          return new double[] {value};
        }
        ConfidenceInterval ci = interval(i, noisyUnits[i], spec.confidenceLevel());
        return new double[] {value, part.toValue(ci.lower()), part.toValue(ci.upper())};
      }
      case MEAN -> {
        ValueBounds b = o.bounds();
        double n = Math.max(1.0, noisyUnits[p.get(0)]);
        double s = spec.parts().get(p.get(1)).toValue(noisyUnits[p.get(1)]);
        double mid = b.midpoint();
        double mean = b.clamp(mid + s / n);
        if (!o.interval()) {
          return new double[] {mean};
        }
        double level = Math.sqrt(spec.confidenceLevel());
        ConfidenceInterval c = interval(p.get(0), noisyUnits[p.get(0)], level);
        ConfidenceInterval si = interval(p.get(1), noisyUnits[p.get(1)], level);
        Part sumPart = spec.parts().get(p.get(1));
        double sLow = sumPart.toValue(si.lower());
        double sHigh = sumPart.toValue(si.upper());
        double low = b.lower();
        double high = b.upper();
        if (c.lower() > 0) {
          low = b.clamp(Math.nextDown(mid + Math.min(sLow / c.lower(), sLow / c.upper())));
          high = b.clamp(Math.nextUp(mid + Math.max(sHigh / c.lower(), sHigh / c.upper())));
        }
        return new double[] {mean, low, high};
      }
      case VARIANCE -> {
        ValueBounds b = o.bounds();
        double r = b.halfWidth();
        double n = Math.max(1.0, noisyUnits[p.get(0)]);
        double s = spec.parts().get(p.get(1)).toValue(noisyUnits[p.get(1)]);
        double q = spec.parts().get(p.get(2)).toValue(noisyUnits[p.get(2)]);
        double m = Math.max(-r, Math.min(r, s / n));
        double variance = Math.max(0.0, Math.min(r * r, q / n - m * m));
        return new double[] {variance};
      }
      case QUANTILE -> {
        QuantileSpec qs = spec.quantiles().get(o.quantile());
        long[] h = hist[qs.histogram()];
        double[] c = candidates[qs.histogram()];
        long total = 0;
        for (long x : h) {
          total += x;
        }
        double target = qs.rank() * total;
        double[] utilities = new double[c.length];
        long below = 0;
        int best = 0;
        for (int j = 0; j < c.length; j++) {
          below += h[j];
          utilities[j] = -Math.abs(below - target);
          if (utilities[j] > utilities[best]) {
            best = j;
          }
        }
        int chosen = noisy ? quantileMechanisms[o.quantile()].select(utilities) : best;
        return new double[] {c[chosen]};
      }
      default -> throw new IllegalStateException("unknown output " + o.kind());
    }
  }

  private ConfidenceInterval interval(int part, double noisyUnits, double level) {
    if (!noisy) {
      return new ConfidenceInterval(noisyUnits, noisyUnits, level);
    }
    return mechanisms[part].confidenceInterval(noisyUnits, level);
  }

  private long[][] histograms(Row row) {
    int count = spec.histograms().size();
    long[][] hist = new long[count][];
    for (int h = 0; h < count; h++) {
      hist[h] = new long[spec.histograms().get(h).candidates() + 1];
    }
    if (count == 0) {
      return hist;
    }
    int field = groups + 2 + spec.valuePartIndices().size();
    if (row.isNullAt(field)) {
      return hist;
    }
    List<Row> entries = row.getList(field);
    for (Row e : entries) {
      int h = e.getInt(0);
      int bin = e.getInt(1);
      hist[h][bin] += e.getLong(2);
    }
    return hist;
  }

  private static long longField(Row row, int field) {
    return row.isNullAt(field) ? 0L : row.getLong(field);
  }
}

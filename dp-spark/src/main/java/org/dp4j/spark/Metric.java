package org.dp4j.spark;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.aggregation.Bounds;

/**
 * A statistic released per group by a {@link DpAggregation}. Values of a column are clamped to the
 * metric's bounds, which must be chosen without looking at the data (they are part of the privacy
 * guarantee). With K groups per unit, M rows per group and {@code V = max(|L|, |U|)}, adding or
 * removing one privacy unit with all its rows changes:
 *
 * <ul>
 *   <li>{@link Count}: the rows of each group by at most M: L1 sensitivity {@code K M}, L2 {@code
 *       sqrt(K) M};
 *   <li>{@link DistinctUnits}: the units of each group by at most 1: L1 {@code K}, L2 {@code
 *       sqrt(K)};
 *   <li>{@link Sum}: each group's sum by at most {@code M V}: L1 {@code K M V}, L2 {@code sqrt(K) M
 *       V};
 *   <li>{@link Mean}: post-processing of the noisy count and a noisy sum of values centred at
 *       {@code (L + U) / 2} (per group at most {@code M (U - L) / 2});
 *   <li>{@link Variance}: post-processing of the noisy count, centred sum and sum of squared
 *       centred values (per group at most {@code M ((U - L) / 2)^2});
 *   <li>{@link Quantiles}: per group and rank, the exponential mechanism whose utility {@code -|#{x
 *       < c} - q n|} changes by at most {@code M max(q, 1 - q)}.
 * </ul>
 *
 * Sums are computed in fixed point (see the module documentation), so these bounds hold exactly.
 */
public sealed interface Metric
    permits Metric.Count,
        Metric.DistinctUnits,
        Metric.Sum,
        Metric.Mean,
        Metric.Variance,
        Metric.Quantiles {

  /** {@return the names of the released columns, without the confidence-interval columns} */
  List<String> outputColumns();

  /** {@return whether the metric can have a confidence interval (counts, sums and means)} */
  boolean hasConfidenceInterval();

  /** {@return the value column this metric reads, or empty for counts} */
  default java.util.Optional<String> column() {
    return java.util.Optional.empty();
  }

  /** The number of rows per group: output column {@code count}. */
  record Count() implements Metric {
    @Override
    public List<String> outputColumns() {
      return List.of("count");
    }

    @Override
    public boolean hasConfidenceInterval() {
      return true;
    }
  }

  /** The number of privacy units per group: output column {@code distinct_units}. */
  record DistinctUnits() implements Metric {
    @Override
    public List<String> outputColumns() {
      return List.of("distinct_units");
    }

    @Override
    public boolean hasConfidenceInterval() {
      return true;
    }
  }

  /**
   * The sum of a column clamped to {@code bounds}: output column {@code sum_COLUMN}.
   *
   * @param name the value column
   * @param bounds clamping bounds, {@code lower < upper}
   */
  record Sum(String name, Bounds bounds) implements Metric {
    /**
     * Validates the column name and the bounds.
     *
     * @param name the value column, not null
     * @param bounds clamping bounds, {@code lower < upper}
     */
    public Sum {
      checkValueMetric(name, bounds);
    }

    @Override
    public List<String> outputColumns() {
      return List.of("sum_" + name);
    }

    @Override
    public boolean hasConfidenceInterval() {
      return true;
    }

    @Override
    public java.util.Optional<String> column() {
      return java.util.Optional.of(name);
    }
  }

  /**
   * The mean of a column clamped to {@code bounds}: output column {@code mean_COLUMN}, always
   * within the bounds.
   *
   * @param name the value column
   * @param bounds clamping bounds, {@code lower < upper}
   */
  record Mean(String name, Bounds bounds) implements Metric {
    /**
     * Validates the column name and the bounds.
     *
     * @param name the value column, not null
     * @param bounds clamping bounds, {@code lower < upper}
     */
    public Mean {
      checkValueMetric(name, bounds);
    }

    @Override
    public List<String> outputColumns() {
      return List.of("mean_" + name);
    }

    @Override
    public boolean hasConfidenceInterval() {
      return true;
    }

    @Override
    public java.util.Optional<String> column() {
      return java.util.Optional.of(name);
    }
  }

  /**
   * The population variance of a column clamped to {@code bounds}: output column {@code
   * variance_COLUMN}, in {@code [0, ((U - L) / 2)^2]}. No confidence interval.
   *
   * @param name the value column
   * @param bounds clamping bounds, {@code lower < upper}
   */
  record Variance(String name, Bounds bounds) implements Metric {
    /**
     * Validates the column name and the bounds.
     *
     * @param name the value column, not null
     * @param bounds clamping bounds, {@code lower < upper}
     */
    public Variance {
      checkValueMetric(name, bounds);
    }

    @Override
    public List<String> outputColumns() {
      return List.of("variance_" + name);
    }

    @Override
    public boolean hasConfidenceInterval() {
      return false;
    }

    @Override
    public java.util.Optional<String> column() {
      return java.util.Optional.of(name);
    }
  }

  /**
   * Quantiles of a column clamped to {@code bounds}: output columns {@code quantile_COLUMN_q} for
   * each rank q (written as the shortest decimal, e.g. {@code quantile_spent_0.5}). Each is a grid
   * candidate (resolution {@code (U - L) / 1024}). No confidence interval.
   *
   * @param name the value column
   * @param bounds clamping bounds, {@code lower < upper}
   * @param ranks the ranks, each in {@code [0, 1]}, at least one, no duplicates
   */
  record Quantiles(String name, Bounds bounds, List<Double> ranks) implements Metric {
    /**
     * Validates the column name, the bounds and the ranks; copies the ranks.
     *
     * @param name the value column, not null
     * @param bounds clamping bounds, {@code lower < upper}
     * @param ranks each in {@code [0, 1]}, at least one, no duplicates
     */
    public Quantiles {
      checkValueMetric(name, bounds);
      Checks.notNull("ranks", ranks);
      Checks.require(!ranks.isEmpty(), "quantile ranks", "at least one rank", ranks);
      for (Double q : ranks) {
        Checks.require(q != null && q >= 0 && q <= 1, "quantile rank", "in [0, 1]", q);
      }
      Checks.require(
          ranks.stream().distinct().count() == ranks.size(), "quantile ranks", "distinct", ranks);
      ranks = List.copyOf(ranks);
    }

    @Override
    public List<String> outputColumns() {
      List<String> names = new ArrayList<>();
      for (double q : ranks) {
        names.add("quantile_" + name + "_" + rankText(q));
      }
      return names;
    }

    @Override
    public boolean hasConfidenceInterval() {
      return false;
    }

    @Override
    public java.util.Optional<String> column() {
      return java.util.Optional.of(name);
    }

    /** A rank as its shortest decimal: 0.5, 0.9, 0.25, 1, 0. */
    static String rankText(double q) {
      BigDecimal d = BigDecimal.valueOf(q).stripTrailingZeros();
      return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }
  }

  private static void checkValueMetric(String name, Bounds bounds) {
    Checks.notNull("column", name);
    Checks.require(!name.isBlank(), "column", "a non-blank column name", "'" + name + "'");
    Checks.notNull("bounds", bounds);
    Checks.require(
        bounds.upper() > bounds.lower(),
        "upper bound of " + name,
        "> lower bound " + bounds.lower(),
        bounds.upper());
  }
}

package org.dp4j.spark.internal;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark plan of one query, from the user's rows to the released groups. Nothing runs until the
 * caller's single action ({@code collectAsList}) on the returned dataset.
 *
 * <ol>
 *   <li>Select the unit, group and value columns (renamed {@code _u}, {@code _g0..}, {@code _v0..},
 *       values cast to double). Drop rows whose unit is null or whose value in any value column is
 *       null or NaN (the documented rule for bad rows; infinities are clamped later); turn -0.0
 *       into 0.0. With public groups, keep only rows of listed groups.
 *   <li>Repartition by unit and sort within partitions by (unit, groups, values), then bound each
 *       unit's contribution in one streaming pass ({@link ContributionBounding}).
 *   <li>Sum the bounded contributions per group with Spark's aggregation (and per histogram bin
 *       when there are quantiles); with public groups, left-join them onto the listed groups.
 *   <li>Decide and noise each group on the executors ({@link GroupRelease}); only released groups
 *       leave the tasks.
 * </ol>
 */
public final class QueryPipeline {

  private QueryPipeline() {}

  /**
   * The plan whose rows are the released groups: {@code [_g0.., columns..]}.
   *
   * @param data the user's rows
   * @param unit the privacy-unit column
   * @param groups the group-by columns
   * @param groupTypes their types
   * @param publicGroups the public groups as {@code [_g0..]} (distinct), or null
   * @param spec the execution spec
   * @return the lazy plan
   */
  public static Dataset<Row> released(
      Dataset<Row> data,
      String unit,
      List<String> groups,
      List<DataType> groupTypes,
      Dataset<Row> publicGroups,
      ExecutionSpec spec) {
    int n = groups.size();
    List<String> values = spec.valueColumns();
    List<Column> select = new ArrayList<>();
    select.add(col(quote(unit)).as("_u"));
    for (int g = 0; g < n; g++) {
      select.add(col(quote(groups.get(g))).as(groupName(g)));
    }
    Column keep = col("_u").isNotNull();
    for (int v = 0; v < values.size(); v++) {
      Column c = col(quote(values.get(v))).cast(DataTypes.DoubleType);
      select.add(when(c.equalTo(0.0), lit(0.0)).otherwise(c).as("_v" + v));
    }
    Dataset<Row> rows = data.select(select.toArray(new Column[0]));
    for (int v = 0; v < values.size(); v++) {
      keep = keep.and(col("_v" + v).isNotNull()).and(not(isnan(col("_v" + v))));
    }
    rows = rows.where(keep);
    if (publicGroups != null) {
      rows = rows.join(broadcast(publicGroups), keysEqual(rows, publicGroups, n), "left_semi");
    }

    List<Column> order = new ArrayList<>();
    order.add(col("_u"));
    for (int g = 0; g < n; g++) {
      order.add(col(groupName(g)));
    }
    for (int v = 0; v < values.size(); v++) {
      order.add(col("_v" + v));
    }
    boolean histograms = !spec.histograms().isEmpty();
    int valueParts = spec.valuePartIndices().size();
    StructType partialSchema = partialSchema(groupTypes, histograms, valueParts);
    Dataset<Row> partials =
        rows.repartition(col("_u"))
            .sortWithinPartitions(order.toArray(new Column[0]))
            .mapPartitions(new ContributionBounding(spec), Encoders.row(partialSchema));

    Column[] groupCols = new Column[n];
    for (int g = 0; g < n; g++) {
      groupCols[g] = col(groupName(g));
    }
    Dataset<Row> aggregated;
    if (!histograms) {
      aggregated =
          partials
              .groupBy(groupCols)
              .agg(sum(col("_rows")).as("_rows"), sumColumns(valueParts, true));
    } else {
      Column[] byBin = new Column[n + 2];
      System.arraycopy(groupCols, 0, byBin, 0, n);
      byBin[n] = col("_hq");
      byBin[n + 1] = col("_hb");
      Dataset<Row> bins =
          partials.groupBy(byBin).agg(sum(col("_rows")).as("_rows"), sumColumns(valueParts, true));
      Column[] rest = new Column[valueParts + 2];
      rest[0] = sum(col("_units")).as("_units");
      for (int i = 0; i < valueParts; i++) {
        rest[1 + i] = sum(col("_s" + i)).as("_s" + i);
      }
      rest[valueParts + 1] =
          collect_list(when(col("_hq").geq(0), struct(col("_hq"), col("_hb"), col("_rows"))))
              .as("_hist");
      aggregated =
          bins.groupBy(groupCols).agg(sum(when(col("_hq").lt(0), col("_rows"))).as("_rows"), rest);
    }
    if (publicGroups != null) {
      Dataset<Row> keys = publicGroups;
      Dataset<Row> agg = aggregated;
      List<Column> out = new ArrayList<>();
      for (int g = 0; g < n; g++) {
        out.add(keys.col(groupName(g)).as(groupName(g)));
      }
      for (String f : aggregated.columns()) {
        if (!f.startsWith("_g")) {
          out.add(agg.col(f).as(f));
        }
      }
      aggregated =
          keys.join(agg, keysEqual(keys, agg, n), "left_outer").select(out.toArray(new Column[0]));
    }
    if (spec.randomness() != RandomnessMode.SECURE) {
      aggregated = aggregated.repartition(1).sortWithinPartitions(groupCols);
    }
    return aggregated.mapPartitions(
        new GroupRelease(spec), Encoders.row(releasedSchema(groupTypes, spec)));
  }

  /** {@code [_g0.., columns]}: groups with their types, then every output column as double. */
  public static StructType releasedSchema(List<DataType> groupTypes, ExecutionSpec spec) {
    List<StructField> fields = new ArrayList<>();
    for (int g = 0; g < groupTypes.size(); g++) {
      fields.add(DataTypes.createStructField(groupName(g), groupTypes.get(g), true));
    }
    for (OutputSpec o : spec.outputs()) {
      fields.add(DataTypes.createStructField(o.name(), DataTypes.DoubleType, false));
      if (o.interval()) {
        fields.add(DataTypes.createStructField(o.name() + "_low", DataTypes.DoubleType, false));
        fields.add(DataTypes.createStructField(o.name() + "_high", DataTypes.DoubleType, false));
      }
    }
    return DataTypes.createStructType(fields);
  }

  /** The bounding function's output schema (see {@link ContributionBounding}). */
  public static StructType partialSchema(
      List<DataType> groupTypes, boolean histograms, int valueParts) {
    List<StructField> fields = new ArrayList<>();
    for (int g = 0; g < groupTypes.size(); g++) {
      fields.add(DataTypes.createStructField(groupName(g), groupTypes.get(g), true));
    }
    if (histograms) {
      fields.add(DataTypes.createStructField("_hq", DataTypes.IntegerType, false));
      fields.add(DataTypes.createStructField("_hb", DataTypes.IntegerType, false));
    }
    fields.add(DataTypes.createStructField("_rows", DataTypes.LongType, false));
    fields.add(DataTypes.createStructField("_units", DataTypes.LongType, false));
    for (int i = 0; i < valueParts; i++) {
      fields.add(DataTypes.createStructField("_s" + i, DataTypes.LongType, false));
    }
    return DataTypes.createStructType(fields);
  }

  /** The internal name of group column {@code g}. */
  public static String groupName(int g) {
    return "_g" + g;
  }

  /** A column name quoted for {@code col()}: dots and other characters are taken literally. */
  public static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  private static Column[] sumColumns(int valueParts, boolean units) {
    Column[] c = new Column[valueParts + (units ? 1 : 0)];
    int k = 0;
    if (units) {
      c[k++] = sum(col("_units")).as("_units");
    }
    for (int i = 0; i < valueParts; i++) {
      c[k++] = sum(col("_s" + i)).as("_s" + i);
    }
    return c;
  }

  /** Null-safe equality of the group keys of two datasets. */
  private static Column keysEqual(Dataset<Row> left, Dataset<Row> right, int n) {
    Column c = left.col(groupName(0)).eqNullSafe(right.col(groupName(0)));
    for (int g = 1; g < n; g++) {
      c = c.and(left.col(groupName(g)).eqNullSafe(right.col(groupName(g))));
    }
    return c;
  }
}

package org.dp4j.examples;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.spark.AggregationResult;
import org.dp4j.spark.DpAggregation;

/**
 * A private group-by on Spark with dp-spark: visits to a shop per day, counted and summed with each
 * visitor as the privacy unit. Each visitor's contribution is bounded (at most 3 days, one visit
 * per day, spending clamped to [0, 60]); the whole query's releases are calibrated together and
 * charged to the budget before Spark runs anything. Spark runs embedded ({@code local[2]}).
 */
public final class SparkAggregation {

  private SparkAggregation() {}

  /**
   * Runs the example.
   *
   * @param args none
   */
  public static void main(String[] args) {
    SparkSession spark =
        SparkSession.builder()
            .appName("dp4j example")
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", "4")
            .getOrCreate();
    try {
      Dataset<Row> visits = visits(spark, 2_000);
      List<String> days = new ArrayList<>();
      for (int d = 0; d < 7; d++) {
        days.add(LocalDate.of(2024, 3, 4).plusDays(d).toString());
      }

      PrivacyFilter budget =
          PrivacyFilter.limited(new PldAccountant(), PrivacyBudget.approximate(3, 1e-6));
      AggregationResult result =
          DpAggregation.on(visits)
              .privacyUnit("visitor_id")
              .groupBy("day")
              .maxGroupsPerUnit(3)
              .maxRowsPerGroup(1)
              .count()
              .sum("spent", 0, 60)
              .mean("spent", 0, 60)
              .publicGroups(days) // the days are known in advance: no group selection needed
              .budget(PrivacyBudget.approximate(1, 1e-6))
              .build()
              .run(budget);

      result.groups().orderBy("day").show(false);
      System.out.println(result.privacyStatement());
      System.out.printf("budget: epsilon %.4f of 3 spent%n", budget.spent());
    } finally {
      spark.stop();
    }
  }

  /** Made-up visits (fixed seed): each visitor comes 1 to 6 times in the week, spending 0 to 80. */
  private static Dataset<Row> visits(SparkSession spark, int visitors) {
    SplittableRandom random = new SplittableRandom(20240304);
    List<Row> rows = new ArrayList<>();
    for (int v = 1; v <= visitors; v++) {
      int count = 1 + random.nextInt(6);
      for (int i = 0; i < count; i++) {
        String day = LocalDate.of(2024, 3, 4).plusDays(random.nextInt(7)).toString();
        double spent = random.nextInt(4) == 0 ? 0 : Math.round(random.nextDouble(80) * 100) / 100.0;
        rows.add(RowFactory.create(String.format("V%05d", v), day, spent));
      }
    }
    StructType schema =
        new StructType()
            .add("visitor_id", DataTypes.StringType)
            .add("day", DataTypes.StringType)
            .add("spent", DataTypes.DoubleType);
    return spark.createDataFrame(rows, schema);
  }
}

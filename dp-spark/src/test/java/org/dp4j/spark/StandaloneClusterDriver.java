package org.dp4j.spark;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.budget.PrivacyFilter;

/**
 * The driver program of {@link StandaloneClusterTest}, run in its own JVM against a standalone
 * master (as spark-submit would): a secure run and a seeded run of the same query, printed one row
 * per line, then the executors that ran tasks.
 */
public final class StandaloneClusterDriver {

  private StandaloneClusterDriver() {}

  /** The query of the test, on any session. */
  static DpAggregation.Builder query(SparkSession spark) {
    return DpAggregation.on(data(spark))
        .privacyUnit("unit")
        .groupBy("group")
        .maxGroupsPerUnit(2)
        .maxRowsPerGroup(2)
        .count()
        .distinctUnits()
        .sum("amount", 0, 100)
        .mean("amount", 0, 100)
        .quantiles("amount", 0, 100, 0.5)
        .privateGroups()
        .budget(PrivacyBudget.approximate(1, 1e-6));
  }

  /** 20,000 rows: 5,000 units, 8 groups; built on the executors from a range. */
  static Dataset<Row> data(SparkSession spark) {
    return spark
        .range(0, 20_000, 1, 8)
        .selectExpr(
            "id % 5000 AS unit",
            "concat('g', CAST((id * 7) % 8 AS STRING)) AS group",
            "CAST((id * 13) % 101 AS DOUBLE) AS amount");
  }

  /**
   * Runs against {@code args[0]}, a {@code spark://} master URL.
   *
   * @param args the master URL
   */
  public static void main(String[] args) {
    SparkSession spark =
        SparkSession.builder()
            .master(args[0])
            .appName("dp-spark cluster test")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.executor.memory", "512m")
            .config("spark.executor.cores", "1")
            .config("spark.cores.max", "2")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    Set<String> executors = ConcurrentHashMap.newKeySet();
    spark
        .sparkContext()
        .addSparkListener(
            new SparkListener() {
              @Override
              public void onTaskEnd(SparkListenerTaskEnd end) {
                executors.add(end.taskInfo().executorId());
              }
            });
    PrivacyFilter filter =
        PrivacyFilter.limited(new PldAccountant(), PrivacyBudget.approximate(3, 1e-6));
    for (Row r : query(spark).build().run(filter).rows()) {
      System.out.println("secure\t" + r.mkString("\t"));
    }
    for (Row r :
        query(spark).randomness(Randomness.notPrivateSeeded(77)).build().run(filter).rows()) {
      System.out.println("seeded\t" + r.mkString("\t"));
    }
    System.out.println("executors\t" + String.join(",", executors));
    spark.stop();
  }
}

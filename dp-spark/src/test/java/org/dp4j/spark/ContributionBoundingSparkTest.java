package org.dp4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.budget.PrivacyFilter;
import org.junit.jupiter.api.Test;

/**
 * Contribution bounding through Spark, with noise switched off (the NOT PRIVATE test mode): an
 * adversarial unit with 100,000 rows over 500 groups changes any pre-noise count by at most M and
 * appears in at most K groups.
 */
class ContributionBoundingSparkTest {

  private static final int K = 3;
  private static final int M = 2;

  private static final StructType SCHEMA =
      DataTypes.createStructType(
          List.of(
              DataTypes.createStructField("unit", DataTypes.StringType, true),
              DataTypes.createStructField("group", DataTypes.StringType, true),
              DataTypes.createStructField("amount", DataTypes.DoubleType, true)));

  private static Dataset<Row> data(boolean adversary) {
    List<Row> rows = new ArrayList<>();
    for (int u = 0; u < 2000; u++) {
      rows.add(RowFactory.create("u" + u, "g" + (u * 7 % 500), 1.0));
      rows.add(RowFactory.create("u" + u, "g" + (u * 11 % 500), 2.0));
    }
    if (adversary) {
      for (int i = 0; i < 100_000; i++) {
        rows.add(RowFactory.create("adversary", "g" + (i % 500), 1000.0));
      }
    }
    return SparkTestSession.get().createDataFrame(rows, SCHEMA);
  }

  private static Map<String, double[]> run(boolean adversary) {
    List<Row> rows =
        DpAggregation.on(data(adversary))
            .privacyUnit("unit")
            .groupBy("group")
            .maxGroupsPerUnit(K)
            .maxRowsPerGroup(M)
            .count()
            .distinctUnits()
            .sum("amount", 0, 10)
            .privateGroups()
            .randomness(Randomness.notPrivateWithoutNoise(adversary ? 1 : 2))
            .budget(PrivacyBudget.approximate(1, 1e-6))
            .build()
            .run(PrivacyFilter.limited(new PldAccountant(), PrivacyBudget.approximate(1, 1e-6)))
            .rows();
    Map<String, double[]> byGroup = new HashMap<>();
    for (Row r : rows) {
      byGroup.put(r.getString(0), new double[] {r.getDouble(1), r.getDouble(2), r.getDouble(3)});
    }
    return byGroup;
  }

  @Test
  void anAdversarialUnitMovesAtMostKGroupsByAtMostMRows() {
    Map<String, double[]> with = run(true);
    Map<String, double[]> without = run(false);
    Set<String> touched = new HashSet<>();
    double extraUnits = 0;
    for (Map.Entry<String, double[]> e : with.entrySet()) {
      double[] w = e.getValue();
      double[] o = without.getOrDefault(e.getKey(), new double[3]);
      double rows = w[0] - o[0];
      assertTrue(rows >= 0 && rows <= M, e.getKey() + ": count moved by " + rows);
      assertTrue(w[2] - o[2] <= M * 10.0, e.getKey() + ": sum moved by " + (w[2] - o[2]));
      extraUnits += w[1] - o[1];
      if (rows != 0) {
        touched.add(e.getKey());
      }
    }
    assertTrue(touched.size() <= K && touched.size() >= 1, "groups touched: " + touched);
    assertEquals(touched.size(), extraUnits, "one unit more in each touched group, none elsewhere");
    // Every group already has ordinary units, so the released groups are the same.
    assertEquals(without.keySet(), with.keySet());
  }
}

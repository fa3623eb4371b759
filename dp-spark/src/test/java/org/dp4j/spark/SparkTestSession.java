package org.dp4j.spark;

import org.apache.spark.sql.SparkSession;

/** One embedded {@code local[2]} Spark session shared by the tests of this module's JVM. */
public final class SparkTestSession {

  private static SparkSession session;

  private SparkTestSession() {}

  /** The shared session (created on first use; Spark stops it at JVM exit). */
  public static synchronized SparkSession get() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("dp-spark tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .getOrCreate();
    }
    return session;
  }
}

package org.dp4j.spark;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/**
 * Records the Spark jobs started in the shared session, with their start times. Spark delivers
 * listener events asynchronously, so {@link #jobsSince} first runs a marker job and waits for its
 * end, after which every earlier event has been delivered.
 */
final class JobCounter extends SparkListener {

  private static JobCounter instance;

  private final List<Long> starts = new CopyOnWriteArrayList<>();
  private final List<Integer> ended = new CopyOnWriteArrayList<>();
  private final SparkSession spark;

  private JobCounter(SparkSession spark) {
    this.spark = spark;
  }

  /** The counter attached to the shared test session. */
  static synchronized JobCounter get() {
    if (instance == null) {
      SparkSession spark = SparkTestSession.get();
      instance = new JobCounter(spark);
      spark.sparkContext().addSparkListener(instance);
    }
    return instance;
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    starts.add(start.time());
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    ended.add(end.jobId());
  }

  /** A mark to count from. */
  int mark() {
    return settled();
  }

  /** Start times (ms since the epoch) of the jobs started after {@code mark}, marker excluded. */
  List<Long> jobsSince(int mark) {
    int now = settled();
    return List.copyOf(starts.subList(mark, now - 1));
  }

  /** Runs a one-job marker and waits until its end event arrived; returns the starts seen. */
  private int settled() {
    int before = ended.size();
    org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(List.of(1), 1)
        .count();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (ended.size() <= before && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    return starts.size();
  }
}

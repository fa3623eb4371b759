package org.dp4j.spark.internal;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.dp4j.mechanisms.random.AesCtrRandom;
import org.dp4j.mechanisms.testing.SeededNoise;

/**
 * The Spark side of {@link GroupReleaser}: each task builds its own source, from the executor's
 * operating-system entropy ({@link AesCtrRandom#fromOperatingSystem()}, never a seed sent by the
 * driver), and releases its groups. Only released groups leave the task. In the NOT PRIVATE seeded
 * mode the source is the seeded test generator (the query runs this on a single, sorted partition
 * so that the result is reproducible).
 */
public final class GroupRelease implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  private final ExecutionSpec spec;

  /**
   * The release stage of one query.
   *
   * @param spec the query's execution spec
   */
  public GroupRelease(ExecutionSpec spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    UniformRandomProvider random =
        switch (spec.randomness()) {
          case SECURE -> AesCtrRandom.fromOperatingSystem();
          case SEEDED -> SeededNoise.uniform(spec.seed());
          case SEEDED_WITHOUT_NOISE -> null;
        };
    GroupReleaser releaser = new GroupReleaser(spec, random);
    return new Iterator<>() {
      private Row next;

      @Override
      public boolean hasNext() {
        while (next == null && input.hasNext()) {
          Object[] out = releaser.release(input.next());
          if (out != null) {
            next = RowFactory.create(out);
          }
        }
        return next != null;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Row r = next;
        next = null;
        return r;
      }
    };
  }
}

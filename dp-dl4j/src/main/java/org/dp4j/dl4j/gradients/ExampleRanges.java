package org.dp4j.dl4j.gradients;

import java.util.stream.IntStream;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Splits the rules' host loops over the examples of a batch (or the chunks of an array) into
 * contiguous ranges, one per thread that ND4J may use ({@code Nd4j.getEnvironment().maxThreads()},
 * set by {@code OMP_NUM_THREADS} or {@code SD_MAX_THREADS}), and runs them in parallel on the
 * common fork-join pool; with one thread, on the caller alone. Each range writes only its own
 * examples' entries, so the results do not depend on the split.
 */
final class ExampleRanges {

  /** The work on one range. */
  @FunctionalInterface
  interface Body {
    /** Processes items {@code [from, to)}; allocates its own scratch arrays. */
    void run(int from, int to);
  }

  private ExampleRanges() {}

  /** Runs {@code body} over {@code [0, count)}, split as the class comment says. */
  static void forEach(int count, Body body) {
    int parts = Math.min(count, Math.max(1, Nd4j.getEnvironment().maxThreads()));
    if (parts <= 1) {
      body.run(0, count);
      return;
    }
    IntStream.range(0, parts)
        .parallel()
        .forEach(
            p ->
                body.run((int) ((long) count * p / parts), (int) ((long) count * (p + 1) / parts)));
  }
}

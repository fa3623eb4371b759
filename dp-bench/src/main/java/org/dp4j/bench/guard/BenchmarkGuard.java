package org.dp4j.bench.guard;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * CI's benchmark guard: runs every benchmark named in {@code thresholds.properties} briefly through
 * the JMH Runner API, in {@value #ROUNDS} rounds (each round one fork per benchmark with {@value
 * #WARMUP_ITERATIONS} warm-up and {@value #MEASUREMENT_ITERATIONS} measured iterations of {@value
 * #ITERATION_MILLIS} ms), keeps per benchmark the round with the fastest iteration ({@link
 * GuardMeasurement#fastestRound}), computes each hot path's speed ratio to its same-run baseline
 * from the fastest iterations ({@link GuardOutcome#evaluate}), prints a table and exits with status
 * 1 when a ratio is below its threshold.
 *
 * <p>Usage, after {@code ./mvnw -B -pl dp-bench -am package -DskipTests}:
 *
 * <pre>
 * java -Xmx256m -cp dp-bench/target/benchmarks.jar org.dp4j.bench.guard.BenchmarkGuard \
 *     [--slowdown N] [--json FILE] [--verbose]
 * </pre>
 *
 * <ul>
 *   <li>{@code --slowdown N}: the bench-only knob; each hot path repeats its work N times (N = 3 is
 *       the documented "3x slower" experiment, which must fail);
 *   <li>{@code --json FILE}: also write JMH's JSON results, one file per round ({@code FILE.1},
 *       {@code FILE.2});
 *   <li>{@code --verbose}: show JMH's own progress output.
 * </ul>
 *
 * <p>Exit status: 0 all checks passed, 1 a check failed, 2 bad usage or a benchmark error. About
 * 80-100 s on 2 cores (2 rounds of 8 forks, 3.6 s of iterations each plus JVM and ND4J start-up).
 * The forks run with {@code -Xbatch} (see {@link #FORK_JVM_ARGS}).
 */
public final class BenchmarkGuard {

  /** Rounds over all benchmarks; the fastest iteration over the rounds counts. */
  static final int ROUNDS = 2;

  /** Warm-up iterations per benchmark and round. */
  static final int WARMUP_ITERATIONS = 5;

  /** Measured iterations per benchmark and round. */
  static final int MEASUREMENT_ITERATIONS = 7;

  /** Length of each iteration. */
  static final int ITERATION_MILLIS = 300;

  /**
   * JVM flags of the guard's forks (they replace the benchmarks' own {@code @Fork} flags, so the
   * memory limits are repeated here). {@code -Xbatch} makes the JIT compile in the foreground, so a
   * fork on a busy machine cannot finish its short warm-up still running interpreted or C1-compiled
   * code (without it, forks on a heavily loaded machine have measured secure noise 11x slower and
   * failed falsely). It changes when code gets compiled, not the compiled code that is measured.
   */
  static final String[] FORK_JVM_ARGS = {
    "-Xmx512m",
    "-Dorg.bytedeco.javacpp.maxphysicalbytes=2G",
    "-Dorg.bytedeco.javacpp.maxbytes=512M",
    "-Xbatch"
  };

  private static final String PACKAGE = BenchmarkGuard.class.getPackageName();

  private BenchmarkGuard() {}

  /**
   * Runs the guard and exits with its status.
   *
   * @param args see the class comment
   */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.exit(run(args, out));
  }

  /** Runs the guard; returns the exit status instead of exiting. */
  static int run(String[] args, PrintStream out) {
    int slowdown = 1;
    String json = null;
    boolean verbose = false;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--slowdown" -> slowdown = parseSlowdown(value(args, ++i, "--slowdown"));
          case "--json" -> json = value(args, ++i, "--json");
          case "--verbose" -> verbose = true;
          default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
        }
      }
    } catch (IllegalArgumentException e) {
      out.println("benchmark guard: " + e.getMessage());
      out.println("usage: BenchmarkGuard [--slowdown N] [--json FILE] [--verbose]");
      return 2;
    }
    List<GuardCheck> checks;
    try {
      checks = GuardThresholds.loadDefault();
    } catch (RuntimeException e) {
      out.println(
          "benchmark guard: bad thresholds file "
              + GuardThresholds.RESOURCE
              + ": "
              + e.getMessage());
      return 2;
    }
    out.printf(
        "benchmark guard: %d checks, slowdown knob hotPathRepeats=%d%s%n",
        checks.size(),
        slowdown,
        slowdown == 1 ? "" : " (EXPERIMENT: hot paths deliberately slowed down)");
    Map<String, GuardMeasurement> measurements;
    try {
      measurements = measure(benchmarksOf(checks), slowdown, json, verbose);
    } catch (RunnerException | RuntimeException e) {
      out.println("benchmark guard: a benchmark failed to run: " + e);
      return 2;
    }
    GuardReport report = GuardReport.evaluate(checks, measurements);
    out.print(report.table());
    return report.passed() ? 0 : 1;
  }

  /** Parses the slowdown factor: an integer from 1 to 100. */
  static int parseSlowdown(String text) {
    int factor;
    try {
      factor = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--slowdown must be an integer from 1 to 100, got '" + text + "'", e);
    }
    if (factor < 1 || factor > 100) {
      throw new IllegalArgumentException(
          "--slowdown must be an integer from 1 to 100, got " + factor);
    }
    return factor;
  }

  /** Every benchmark the checks need, hot paths and baselines, in first-seen order. */
  static Set<String> benchmarksOf(List<GuardCheck> checks) {
    Set<String> names = new LinkedHashSet<>();
    for (GuardCheck check : checks) {
      names.add(check.baselineBenchmark());
      names.add(check.hotBenchmark());
    }
    return names;
  }

  /**
   * Summarises JMH results per benchmark; several forks' iterations are pooled.
   *
   * @param results JMH run results
   * @return measurements keyed by {@code SimpleClassName.method}
   */
  static Map<String, GuardMeasurement> summarise(Collection<RunResult> results) {
    Map<String, GuardMeasurement> measurements = new LinkedHashMap<>();
    for (RunResult result : results) {
      String full = result.getParams().getBenchmark();
      String name = full.startsWith(PACKAGE + ".") ? full.substring(PACKAGE.length() + 1) : full;
      List<Double> times = new ArrayList<>();
      for (BenchmarkResult fork : result.getBenchmarkResults()) {
        for (IterationResult iteration : fork.getIterationResults()) {
          times.add(iteration.getPrimaryResult().getScore());
        }
      }
      measurements.put(
          name,
          GuardMeasurement.ofIterations(
              name, times.stream().mapToDouble(Double::doubleValue).toArray()));
    }
    return measurements;
  }

  private static Map<String, GuardMeasurement> measure(
      Set<String> benchmarks, int slowdown, String json, boolean verbose) throws RunnerException {
    List<String> patterns = new ArrayList<>();
    for (String benchmark : benchmarks) {
      patterns.add(Pattern.quote(PACKAGE + "." + benchmark) + "$");
    }
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include("^(" + String.join("|", patterns) + ")")
            .forks(1)
            .warmupIterations(WARMUP_ITERATIONS)
            .warmupTime(TimeValue.milliseconds(ITERATION_MILLIS))
            .measurementIterations(MEASUREMENT_ITERATIONS)
            .measurementTime(TimeValue.milliseconds(ITERATION_MILLIS))
            .param("hotPathRepeats", Integer.toString(slowdown))
            .jvmArgsAppend(FORK_JVM_ARGS)
            .shouldFailOnError(true)
            .verbosity(verbose ? VerboseMode.NORMAL : VerboseMode.SILENT);
    Map<String, List<GuardMeasurement>> rounds = new LinkedHashMap<>();
    for (int round = 1; round <= ROUNDS; round++) {
      if (json != null) {
        options.resultFormat(ResultFormatType.JSON).result(json + (ROUNDS == 1 ? "" : "." + round));
      }
      Map<String, GuardMeasurement> measured = summarise(new Runner(options.build()).run());
      for (String benchmark : benchmarks) {
        GuardMeasurement m = measured.get(benchmark);
        if (m == null) {
          throw new IllegalStateException("benchmark " + benchmark + " produced no result");
        }
        rounds.computeIfAbsent(benchmark, b -> new ArrayList<>()).add(m);
      }
    }
    Map<String, GuardMeasurement> measurements = new LinkedHashMap<>();
    rounds.forEach(
        (benchmark, list) -> measurements.put(benchmark, GuardMeasurement.fastestRound(list)));
    return measurements;
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }
}

package org.dp4j.bench.core.accounting;

import java.util.concurrent.TimeUnit;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link PldAccountant} on the DP-SGD workload of {@code refdata/anchor_timings.md}: a fresh
 * accountant, {@code compose(PoissonSampled(q = 256/60000, Gaussian(1.1)), steps)}, then {@code
 * epsilon(1e-5)} (expected about 0.5987 / 1.978 / 7.271 for 1e3 / 1e4 / 1e5 steps). Anchors on the
 * reference 2-core VM: dp_accounting PLD (spacing 1e-4) 0.98-1.10 s, Opacus PRV 0.125 / 0.39 / 2.21 s.
 *
 * <p>Same-run baseline: {@link #fixedIntervalLikeDpAccounting}, the same call with the fixed spacing
 * 1e-4 of dp_accounting's default, shows what the adaptive grid saves. {@link #calibrationSweep}
 * mimics a noise calibration (12 evaluations at different noise multipliers); {@link
 * #epsilonQueryOnComposed} is a repeated query on an already composed accountant (cached PLD).
 *
 * <p>Run: {@code java -Xmx2g -jar dp-bench/target/benchmarks.jar PldBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PldBenchmark {

  /** Number of DP-SGD steps composed. */
  public enum Steps {
    ONE_THOUSAND(1_000),
    TEN_THOUSAND(10_000),
    ONE_HUNDRED_THOUSAND(100_000);

    final long count;

    Steps(long count) {
      this.count = count;
    }
  }

  private static final double SAMPLING_RATE = 256.0 / 60000;
  private static final double NOISE_MULTIPLIER = 1.1;
  private static final double DELTA = 1e-5;

  @Param
  public Steps steps;

  private PrivacyEvent step;
  private PrivacyEvent[] calibrationSteps;
  private PldAccountant composed;

  @Setup(Level.Trial)
  public void setUp() {
    step = new PoissonSampledEvent(SAMPLING_RATE, new GaussianEvent(NOISE_MULTIPLIER));
    calibrationSteps = new PrivacyEvent[12];
    for (int i = 0; i < calibrationSteps.length; i++) {
      double sigma = 0.8 + 0.05 * i;
      calibrationSteps[i] = new PoissonSampledEvent(SAMPLING_RATE, new GaussianEvent(sigma));
    }
    composed = new PldAccountant().compose(step, steps.count);
    composed.epsilon(DELTA);
  }

  /** The headline: fresh accountant, compose, one epsilon. */
  @Benchmark
  public double composeAndEpsilon() {
    return new PldAccountant().compose(step, steps.count).epsilon(DELTA);
  }

  /** Baseline: the same with dp_accounting's default fixed spacing 1e-4. */
  @Benchmark
  public double fixedIntervalLikeDpAccounting() {
    return new PldAccountant(NeighbouringRelation.ADD_OR_REMOVE_ONE, 1e-4)
        .compose(step, steps.count)
        .epsilon(DELTA);
  }

  /** Twelve fresh accountants at different noise multipliers, as a calibration search does. */
  @Benchmark
  public double calibrationSweep() {
    double sum = 0.0;
    for (PrivacyEvent e : calibrationSteps) {
      sum += new PldAccountant().compose(e, steps.count).epsilon(DELTA);
    }
    return sum;
  }

  /** A query on an accountant whose PLD is already computed (e.g. a budget check per step). */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public double epsilonQueryOnComposed() {
    return composed.epsilon(DELTA);
  }
}

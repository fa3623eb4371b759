package org.dp4j.bench.core.accounting;

import java.util.concurrent.TimeUnit;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.calibration.NoiseCalibration;
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
 * reference 2-core VM: dp_accounting PLD (spacing 1e-4) 0.98-1.10 s, Opacus PRV 0.125 / 0.39 / 2.21
 * s.
 *
 * <p>Same-run baseline: {@link #fixedIntervalLikeDpAccounting}, the same call with the fixed
 * spacing 1e-4 of dp_accounting's default, shows what the adaptive grid saves. {@link
 * #calibrateNoiseMultiplier} is a whole DP-SGD noise calibration through {@code NoiseCalibration};
 * {@link #epsilonQueryOnComposed} is a repeated query on an already composed accountant (cached).
 *
 * <p>Run: {@code java -Xmx2g -jar dp-bench/target/benchmarks.jar PldBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
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

  @Param public Steps steps;

  private static final PrivacyBudget CALIBRATION_TARGET = PrivacyBudget.approximate(3.0, 1e-5);

  private PrivacyEvent step;
  private PldAccountant composed;

  @Setup(Level.Trial)
  public void setUp() {
    step = new PoissonSampledEvent(SAMPLING_RATE, new GaussianEvent(NOISE_MULTIPLIER));
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

  /**
   * DP-SGD noise calibration to (epsilon 3, delta 1e-5) with fresh PLD accountants (anchors for
   * 10,000 steps: dp_accounting PLD 26.1 s, Opacus PRV 6.34 s; expected sigma about 0.885).
   */
  @Benchmark
  public double calibrateNoiseMultiplier() {
    return NoiseCalibration.dpSgdNoiseMultiplier(
            CALIBRATION_TARGET, SAMPLING_RATE, steps.count, PldAccountant::new)
        .noiseMultiplier();
  }

  /** A query on an accountant whose PLD is already computed (e.g. a budget check per step). */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public double epsilonQueryOnComposed() {
    return composed.epsilon(DELTA);
  }
}

package org.dp4j.bench.core.accounting;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
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
 * {@link PldAccountant} on compositions of several kinds of event (at most five, at most 10,000
 * steps each): a fresh accountant, every part composed, then {@code epsilon(1e-5)}.
 *
 * <p>Same-run baseline: {@link #commonFinestGrid} composes the same events on one fixed grid, the
 * finest of the parts' adaptive spacings, which is what the adaptive grid did for every part before
 * each event got its own spacing; {@link #adaptive} is the accountant as shipped.
 *
 * <p>Run: {@code java -Xmx3g -jar dp-bench/target/benchmarks.jar PldMixedCompositionBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx3g"})
@Warmup(iterations = 2)
@Measurement(iterations = 5)
public class PldMixedCompositionBenchmark {

  private static PrivacyEvent times(PrivacyEvent event, long count) {
    return new SelfComposedEvent(event, count);
  }

  private static PrivacyEvent sampledGaussian(double q, double sigma) {
    return new PoissonSampledEvent(q, new GaussianEvent(sigma));
  }

  /** The compositions measured. */
  public enum Mix {
    /** A low-rate DP-SGD run and three Laplace releases. */
    SAMPLED_GAUSSIAN_AND_LAPLACE(
        times(sampledGaussian(0.001, 4.0), 10_000), times(new LaplaceEvent(1.0), 3)),
    /** A low-rate DP-SGD run, five (epsilon, delta) releases and ten Laplace releases. */
    SAMPLED_GAUSSIAN_EPSILON_DELTA_AND_LAPLACE(
        times(sampledGaussian(0.001, 4.0), 10_000),
        times(EpsilonDeltaEvent.approximate(0.5, 1e-7), 5),
        times(new LaplaceEvent(2.0), 10)),
    /** Five kinds, 10,000 steps each: DP-SGD, Laplace, pure, Gaussian, sampled Laplace. */
    FIVE_KINDS(
        times(sampledGaussian(256.0 / 60000, 1.1), 10_000),
        times(new LaplaceEvent(0.5), 10_000),
        times(EpsilonDeltaEvent.pure(1.0), 10_000),
        times(new GaussianEvent(2.0), 10_000),
        times(new PoissonSampledEvent(0.01, new LaplaceEvent(1.0)), 10_000)),
    /** Five kinds, 10,000 steps each, each leaking little per step. */
    FIVE_KINDS_SMALL_LOSS(
        times(sampledGaussian(1e-4, 10.0), 10_000),
        times(new GaussianEvent(100.0), 10_000),
        times(new LaplaceEvent(100.0), 10_000),
        times(EpsilonDeltaEvent.pure(0.01), 10_000),
        times(new PoissonSampledEvent(0.001, EpsilonDeltaEvent.pure(0.1)), 10_000)),
    /** Five kinds, 10,000 steps each, each leaking much per step. */
    FIVE_KINDS_LARGE_LOSS(
        times(new GaussianEvent(0.05), 10_000),
        times(EpsilonDeltaEvent.pure(10.0), 10_000),
        times(new LaplaceEvent(0.1), 10_000),
        times(sampledGaussian(0.5, 0.5), 10_000),
        times(EpsilonDeltaEvent.approximate(2.0, 1e-10), 10_000)),
    /** Five Poisson-sampled kinds with wide per-step losses, 10,000 steps each. */
    FIVE_SAMPLED_KINDS(
        times(sampledGaussian(0.5, 0.5), 10_000),
        times(sampledGaussian(0.3, 0.6), 10_000),
        times(sampledGaussian(0.9, 0.4), 10_000),
        times(new PoissonSampledEvent(0.5, new LaplaceEvent(0.2)), 10_000),
        times(new PoissonSampledEvent(0.5, EpsilonDeltaEvent.pure(5.0)), 10_000));

    final List<PrivacyEvent> parts;

    Mix(PrivacyEvent... parts) {
      this.parts = List.of(parts);
    }
  }

  private static final double DELTA = 1e-5;

  @Param public Mix mix;

  private double finestSpacing;

  @Setup(Level.Trial)
  public void setUp() {
    finestSpacing = Double.POSITIVE_INFINITY;
    for (PrivacyEvent part : mix.parts) {
      PldAccountant alone = new PldAccountant().compose(part);
      alone.epsilon(DELTA);
      finestSpacing = Math.min(finestSpacing, alone.effectiveInterval());
    }
  }

  /** The accountant as shipped: each kind on its own spacing, then one convolution. */
  @Benchmark
  public double adaptive() {
    PldAccountant accountant = new PldAccountant();
    for (PrivacyEvent part : mix.parts) {
      accountant.compose(part);
    }
    return accountant.epsilon(DELTA);
  }

  /** Baseline: every kind on the finest of their spacings (one common grid). */
  @Benchmark
  public double commonFinestGrid() {
    PldAccountant accountant = new PldAccountant(PldAccountant.DEFAULT_RELATION, finestSpacing);
    for (PrivacyEvent part : mix.parts) {
      accountant.compose(part);
    }
    return accountant.epsilon(DELTA);
  }
}

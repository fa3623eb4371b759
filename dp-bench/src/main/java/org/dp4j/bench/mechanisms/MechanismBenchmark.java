package org.dp4j.bench.mechanisms;

import java.util.concurrent.TimeUnit;
import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.mechanisms.GaussianMechanism;
import org.dp4j.mechanisms.LaplaceMechanism;
import org.dp4j.mechanisms.NoiseMechanism;
import org.dp4j.mechanisms.random.AesCtrRandom;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scalar floating-point-safe mechanisms: releases per second of one {@code addNoise(double)} call
 * (grid rounding plus an exact discrete Laplace or discrete Gaussian sample).
 *
 * <p>Run: {@code java -jar dp-bench/target/benchmarks.jar MechanismBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MechanismBenchmark {

  /** Which mechanism. */
  public enum Kind {
    /** Laplace, epsilon 1, sensitivity 1. */
    LAPLACE,
    /** Gaussian, (1, 1e-6), sensitivity 1. */
    GAUSSIAN
  }

  /** Which randomness. */
  public enum Source {
    /** AES-256-CTR keyed by the OS (private). */
    SECURE,
    /** Seeded xoshiro256++ (not private). */
    SEEDED
  }

  @Param({"LAPLACE", "GAUSSIAN"})
  public Kind kind;

  @Param({"SECURE", "SEEDED"})
  public Source source;

  private NoiseMechanism mechanism;
  private double value;

  /** Builds the mechanism once per trial. */
  @Setup
  public void setUp() {
    UniformRandomProvider random =
        source == Source.SECURE ? AesCtrRandom.fromOperatingSystem() : SeededNoise.uniform(42);
    mechanism =
        kind == Kind.LAPLACE
            ? LaplaceMechanism.of(PrivacyBudget.pure(1.0), 1.0, random)
            : GaussianMechanism.of(PrivacyBudget.approximate(1.0, 1e-6), 1.0, random);
    value = 123.456;
  }

  /** One release. */
  @Benchmark
  public double addNoise() {
    return mechanism.addNoise(value);
  }
}

package org.dp4j.bench.guard;

import java.util.concurrent.TimeUnit;
import org.dp4j.mechanisms.bulk.BulkNoise;
import org.dp4j.mechanisms.testing.SeededNoise;
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
 * The guard's bulk-noise hot paths: {@link BulkNoise} into a {@code float[]} of 2^20 elements (4
 * MiB), secure and seeded, Gaussian and Laplace, next to the plain {@code y[i] += x[i]} baseline
 * over arrays of the same length. Time per call in microseconds.
 *
 * <p>{@link #hotPathRepeats} is a bench-only slowdown knob: each hot-path method does its work that
 * many times per call, so {@code 3} makes the measured hot path exactly 3x slower while the
 * baseline is untouched. It exists to show that the guard fails (see {@code docs/benchmarks.md});
 * the default, 1, measures the library as it is.
 *
 * <p>Run alone: {@code java -jar dp-bench/target/benchmarks.jar GuardNoiseBenchmark}. The guard
 * overrides the iteration settings below with its shorter ones.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GuardNoiseBenchmark {

  /** Elements per call: 2^20 floats, a typical gradient. */
  static final int LENGTH = 1 << 20;

  /** Slowdown knob: how many times each hot-path method repeats its work per call (1 = normal). */
  @Param({"1"})
  public int hotPathRepeats;

  private float[] values;
  private float[] other;
  private BulkNoise secure;
  private BulkNoise seeded;

  /** Allocates the arrays and both noise sources once per trial. */
  @Setup(Level.Trial)
  public void setUp() {
    values = new float[LENGTH];
    other = new float[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      other[i] = i * 1e-6f;
    }
    secure = BulkNoise.secure();
    seeded = SeededNoise.bulk(42L);
  }

  /** Baseline: {@code y[i] += x[i]} over the same length (one read of each array, one write). */
  @Benchmark
  public float[] baselinePlainAdd() {
    float[] y = values;
    float[] x = other;
    for (int i = 0; i < y.length; i++) {
      y[i] += x[i];
    }
    return y;
  }

  /** Secure (AES-CTR) Gaussian noise, standard deviation 1, into the array. */
  @Benchmark
  public float[] gaussianSecure() {
    for (int r = 0; r < hotPathRepeats; r++) {
      secure.addGaussian(values, 0, LENGTH, 1.0);
    }
    return values;
  }

  /** Seeded (not private) Gaussian noise, standard deviation 1, into the array. */
  @Benchmark
  public float[] gaussianSeeded() {
    for (int r = 0; r < hotPathRepeats; r++) {
      seeded.addGaussian(values, 0, LENGTH, 1.0);
    }
    return values;
  }

  /** Secure (AES-CTR) Laplace noise, scale 1, into the array. */
  @Benchmark
  public float[] laplaceSecure() {
    for (int r = 0; r < hotPathRepeats; r++) {
      secure.addLaplace(values, 0, LENGTH, 1.0);
    }
    return values;
  }
}

package org.dp4j.bench.mechanisms;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.mechanisms.random.AesCtrRandom;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Uniform 64-bit words per second from the secure AES-CTR source, the seeded xoshiro256++ and the
 * JDK's {@link SecureRandom} (the baseline the secure source must beat), plus the JDK's {@code
 * SecureRandom.nextGaussian()} as the naive secure Gaussian baseline.
 *
 * <p>Run: {@code java -jar dp-bench/target/benchmarks.jar UniformSourceBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xmx1g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class UniformSourceBenchmark {

  private UniformRandomProvider aes;
  private UniformRandomProvider seeded;
  private SecureRandom jdk;

  /** Creates the sources once per trial. */
  @Setup
  public void setUp() {
    aes = AesCtrRandom.fromOperatingSystem();
    seeded = SeededNoise.uniform(42);
    jdk = new SecureRandom();
  }

  /** AES-256-CTR with fast key erasure. */
  @Benchmark
  public long aesCtrNextLong() {
    return aes.nextLong();
  }

  /** xoshiro256++ (not private). */
  @Benchmark
  public long seededNextLong() {
    return seeded.nextLong();
  }

  /** The JDK default SecureRandom (NativePRNG on Linux). */
  @Benchmark
  public long baselineJdkSecureRandomNextLong() {
    return jdk.nextLong();
  }

  /** The JDK's polar-method Gaussian on SecureRandom. */
  @Benchmark
  public double baselineJdkSecureRandomNextGaussian() {
    return jdk.nextGaussian();
  }
}

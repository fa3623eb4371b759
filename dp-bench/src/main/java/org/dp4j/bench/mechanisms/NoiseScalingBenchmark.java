package org.dp4j.bench.mechanisms;

import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import org.dp4j.mechanisms.bulk.BulkNoise;
import org.dp4j.mechanisms.testing.SeededNoise;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
 * Bulk noise throughput against the vector length, 2^16 to 2^24 floats (256 KiB to 64 MiB), into a
 * {@code float[]} and into an ND4J host buffer (the direct little-endian buffer of a float {@code
 * INDArray}), secure (AES-CTR) and seeded (not private), Gaussian and Laplace; with two baselines
 * over arrays of the same length in the same run: {@code y[i] += x[i]} and {@link
 * System#arraycopy}. Time per call; {@code org.dp4j.bench.tools.BenchmarkPlots noise} turns the
 * JSON output into elements per second against the length.
 *
 * <p>Run: {@code OMP_NUM_THREADS=1 java -Xmx2g -jar dp-bench/target/benchmarks.jar
 * NoiseScalingBenchmark -rf json -rff noise.json}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-modules",
      "jdk.incubator.vector",
      "-Xmx1g",
      "-Dorg.bytedeco.javacpp.maxphysicalbytes=2G",
      "-Dorg.bytedeco.javacpp.maxbytes=512M"
    })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NoiseScalingBenchmark {

  /** Vector lengths; the constant's suffix is the base-2 logarithm of the length. */
  public enum Length {
    LENGTH_2_16(1 << 16),
    LENGTH_2_18(1 << 18),
    LENGTH_2_20(1 << 20),
    LENGTH_2_22(1 << 22),
    LENGTH_2_24(1 << 24);

    final int elements;

    Length(int elements) {
      this.elements = elements;
    }
  }

  /** Which randomness feeds the noise. */
  public enum Source {
    /** AES-256-CTR keyed by the operating system: the private default. */
    SECURE,
    /** Seeded xoshiro256++: not private, the speed ceiling. */
    SEEDED_NOT_PRIVATE
  }

  /** Two heap arrays of the chosen length (baselines and array targets). */
  @State(Scope.Benchmark)
  public static class Arrays {
    @Param public Length length;

    float[] target;
    float[] source;

    /** Allocates and fills the arrays. */
    @Setup(Level.Trial)
    public void allocate() {
      target = new float[length.elements];
      source = new float[length.elements];
      for (int i = 0; i < source.length; i++) {
        source[i] = i * 1e-6f;
      }
    }
  }

  /** The noise source. */
  @State(Scope.Benchmark)
  public static class Noise {
    @Param public Source source;

    BulkNoise noise;

    /** Creates the source. */
    @Setup(Level.Trial)
    public void create() {
      System.out.println("float noise kernel: " + BulkNoise.floatKernel());
      noise = source == Source.SECURE ? BulkNoise.secure() : SeededNoise.bulk(42L);
    }
  }

  /** A float INDArray of the chosen length and its host buffer. */
  @State(Scope.Benchmark)
  public static class Tensor {
    @Param public Length length;

    INDArray array;
    FloatBuffer buffer;

    /** Allocates the array. */
    @Setup(Level.Trial)
    public void allocate() {
      array = Nd4j.create(DataType.FLOAT, 1, length.elements);
      buffer = array.data().asNioFloat();
    }
  }

  /** Baseline: {@code y[i] += x[i]}. */
  @Benchmark
  public float[] baselinePlainAdd(Arrays a) {
    float[] y = a.target;
    float[] x = a.source;
    for (int i = 0; i < y.length; i++) {
      y[i] += x[i];
    }
    return y;
  }

  /** Baseline: {@code System.arraycopy} of the same length. */
  @Benchmark
  public float[] baselineArrayCopy(Arrays a) {
    System.arraycopy(a.source, 0, a.target, 0, a.target.length);
    return a.target;
  }

  /** Gaussian noise (standard deviation 1) into the float array. */
  @Benchmark
  public float[] gaussianArray(Arrays a, Noise n) {
    n.noise.addGaussian(a.target, 0, a.target.length, 1.0);
    return a.target;
  }

  /** Laplace noise (scale 1) into the float array. */
  @Benchmark
  public float[] laplaceArray(Arrays a, Noise n) {
    n.noise.addLaplace(a.target, 0, a.target.length, 1.0);
    return a.target;
  }

  /** Gaussian noise into the INDArray's host buffer. */
  @Benchmark
  public INDArray gaussianNd4j(Tensor t, Noise n) {
    n.noise.addGaussian(t.buffer, 0, t.length.elements, 1.0);
    return t.array;
  }

  /** Laplace noise into the INDArray's host buffer. */
  @Benchmark
  public INDArray laplaceNd4j(Tensor t, Noise n) {
    n.noise.addLaplace(t.buffer, 0, t.length.elements, 1.0);
    return t.array;
  }
}

package org.dp4j.bench.training;

import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import org.dp4j.mechanisms.bulk.BulkNoise;
import org.dp4j.training.noise.GaussianTensorNoise;
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
 * Gaussian noise into a 2^24-float gradient (64 MiB, direct host buffer), secure and seeded,
 * against a plain add loop over the same buffer. Targets: secure {@code >= 1/20} and seeded {@code
 * >= 1/8} of the baseline's throughput.
 *
 * <p>Run: {@code OMP_NUM_THREADS=1 java -Xmx2g -jar dp-bench/target/benchmarks.jar
 * TensorNoiseBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "--add-modules",
      "jdk.incubator.vector",
      "-Xmx2g",
      "-Dorg.bytedeco.javacpp.maxphysicalbytes=3G",
      "-Dorg.bytedeco.javacpp.maxbytes=1G"
    })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TensorNoiseBenchmark {

  /** Gradient sizes. */
  public enum Size {
    /** 2^24 floats, the size at which the targets are stated. */
    P16M(1 << 24);

    final int length;

    Size(int length) {
      this.length = length;
    }
  }

  /** Noise modes. */
  public enum NoiseMode {
    /** The private default. */
    SECURE,
    /** Seeded, not private. */
    SEEDED_NOT_PRIVATE
  }

  @Param public Size size;

  @Param public NoiseMode mode;

  private INDArray gradient;
  private FloatBuffer buffer;
  private GaussianTensorNoise noise;
  private float[] chunk;

  /** Allocates the gradient and the noise. */
  @Setup(Level.Trial)
  public void setUp() {
    System.out.println("float noise kernel: " + BulkNoise.floatKernel());
    gradient = Nd4j.create(DataType.FLOAT, 1, size.length);
    buffer = gradient.data().asNioFloat();
    noise =
        mode == NoiseMode.SECURE
            ? GaussianTensorNoise.secure()
            : GaussianTensorNoise.seededNotPrivate(42);
    chunk = new float[4096];
  }

  /** Adds N(0, 1) to every element, in place. */
  @Benchmark
  public INDArray addNoise() {
    noise.addNoise(gradient, 1e-3);
    return gradient;
  }

  /** Baseline: a plain add loop over the same direct buffer (absolute get and put). */
  @Benchmark
  public FloatBuffer baselineAddLoop() {
    FloatBuffer b = buffer;
    int n = size.length;
    for (int i = 0; i < n; i++) {
      b.put(i, b.get(i) + 1e-3f);
    }
    return b;
  }

  /** Baseline: the same add through heap chunks (bulk get, vectorisable add, bulk put). */
  @Benchmark
  public FloatBuffer baselineChunkedAddLoop() {
    FloatBuffer b = buffer;
    float[] c = chunk;
    int n = size.length;
    for (int start = 0; start < n; start += c.length) {
      int len = Math.min(c.length, n - start);
      b.get(start, c, 0, len);
      for (int j = 0; j < len; j++) {
        c[j] += 1e-3f;
      }
      b.put(start, c, 0, len);
    }
    return b;
  }
}

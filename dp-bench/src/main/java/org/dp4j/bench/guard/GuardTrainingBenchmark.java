package org.dp4j.bench.guard;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.clipping.PerExampleGradients;
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
 * The guard's DP-SGD hot paths on ND4J host buffers, each against a plain-Java pass over the same
 * direct buffer: flat clip + sum of a {@code [64, 2^16]} float matrix (16 MiB) against one chunked
 * read pass, and secure Gaussian noise into a 2^20-float gradient (4 MiB) against a chunked add
 * pass. Time per call in microseconds. The sizes are the small ends of the full suite's, so a guard
 * run stays short; the full sizes are in {@code org.dp4j.bench.training}.
 *
 * <p>{@link #hotPathRepeats} is the same bench-only slowdown knob as in {@link
 * GuardNoiseBenchmark}: the hot-path methods repeat their work that many times per call.
 *
 * <p>Run alone: {@code OMP_NUM_THREADS=1 java -jar dp-bench/target/benchmarks.jar
 * GuardTrainingBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xmx512m",
      "-Dorg.bytedeco.javacpp.maxphysicalbytes=2G",
      "-Dorg.bytedeco.javacpp.maxbytes=512M"
    })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GuardTrainingBenchmark {

  /** Examples per batch of the clipping workload. */
  static final int BATCH = 64;

  /** Parameters per example of the clipping workload. */
  static final int PARAMETERS = 1 << 16;

  /** Length of the noised gradient. */
  static final int GRADIENT_LENGTH = 1 << 20;

  /** Slowdown knob: how many times each hot-path method repeats its work per call (1 = normal). */
  @Param({"1"})
  public int hotPathRepeats;

  private PerExampleGradients perExample;
  private FloatBuffer matrixBuffer;
  private FlatClipper clipper;
  private INDArray gradient;
  private FloatBuffer gradientBuffer;
  private GaussianTensorNoise noise;
  private float[] chunk;

  /** Fills the matrix with seeded rows whose norms straddle the clip norm 1. */
  @Setup(Level.Trial)
  public void setUp() {
    INDArray matrix = Nd4j.create(DataType.FLOAT, BATCH, PARAMETERS);
    matrixBuffer = matrix.data().asNioFloat();
    SplittableRandom random = new SplittableRandom(42);
    float[] row = new float[PARAMETERS];
    for (int i = 0; i < BATCH; i++) {
      double scale = 2.0 * random.nextDouble() / Math.sqrt(PARAMETERS) * Math.sqrt(3);
      for (int j = 0; j < PARAMETERS; j++) {
        row[j] = (float) (scale * (2 * random.nextDouble() - 1));
      }
      matrixBuffer.put(i * PARAMETERS, row);
    }
    perExample = PerExampleGradients.ofMatrix(matrix);
    clipper = FlatClipper.of(1.0);
    gradient = Nd4j.create(DataType.FLOAT, 1, GRADIENT_LENGTH);
    gradientBuffer = gradient.data().asNioFloat();
    noise = GaussianTensorNoise.secure();
    chunk = new float[4096];
  }

  /** Baseline: one read pass over the matrix (bulk copies into a heap chunk, four sums). */
  @Benchmark
  public float baselineMatrixReadPass() {
    return chunkedSum(matrixBuffer, BATCH * PARAMETERS, chunk);
  }

  /** The library's flat clip + sum of the per-example matrix. */
  @Benchmark
  public ClippedSum clipAndSum() {
    ClippedSum result = null;
    for (int r = 0; r < hotPathRepeats; r++) {
      result = clipper.clipAndSum(perExample);
    }
    return result;
  }

  /** Baseline: add a constant to every element of the gradient buffer through a heap chunk. */
  @Benchmark
  public FloatBuffer baselineGradientAddPass() {
    FloatBuffer b = gradientBuffer;
    float[] c = chunk;
    for (int start = 0; start < GRADIENT_LENGTH; start += c.length) {
      int len = Math.min(c.length, GRADIENT_LENGTH - start);
      b.get(start, c, 0, len);
      for (int j = 0; j < len; j++) {
        c[j] += 1e-3f;
      }
      b.put(start, c, 0, len);
    }
    return b;
  }

  /** Secure Gaussian noise (standard deviation 1e-3) into the gradient, in place. */
  @Benchmark
  public INDArray secureTensorNoise() {
    for (int r = 0; r < hotPathRepeats; r++) {
      noise.addNoise(gradient, 1e-3);
    }
    return gradient;
  }

  private static float chunkedSum(FloatBuffer buffer, int length, float[] chunk) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    for (int start = 0; start < length; start += chunk.length) {
      int len = Math.min(chunk.length, length - start);
      buffer.get(start, chunk, 0, len);
      int j = 0;
      for (; j + 3 < len; j += 4) {
        s0 += chunk[j];
        s1 += chunk[j + 1];
        s2 += chunk[j + 2];
        s3 += chunk[j + 3];
      }
      for (; j < len; j++) {
        s0 += chunk[j];
      }
    }
    return (s0 + s1) + (s2 + s3);
  }
}

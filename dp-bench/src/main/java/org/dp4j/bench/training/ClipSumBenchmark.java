package org.dp4j.bench.training;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.clipping.PerExampleGradients;
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
 * Clip + sum of a {@code [B, P]} float per-example gradient matrix against one plain read pass over
 * the same direct buffer. Target: {@code clipAndSum <= 2.5 x baselineReadPass} at {@code [256,
 * 2^20]} (1 GiB).
 *
 * <p>Run: {@code OMP_NUM_THREADS=1 java -Xmx2g -jar dp-bench/target/benchmarks.jar
 * ClipSumBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Xmx2g",
      "-Dorg.bytedeco.javacpp.maxphysicalbytes=5G",
      "-Dorg.bytedeco.javacpp.maxbytes=3G"
    })
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ClipSumBenchmark {

  /** Matrix shapes. */
  public enum Shape {
    /** The target's shape: 256 examples of 2^20 parameters (1 GiB of floats). */
    B256_P1M(256, 1 << 20),
    /** A small model: 256 examples of 2^16 parameters (64 MiB). */
    B256_P64K(256, 1 << 16);

    final int batch;
    final int params;

    Shape(int batch, int params) {
      this.batch = batch;
      this.params = params;
    }
  }

  @Param public Shape shape;

  private INDArray gradients;
  private PerExampleGradients perExample;
  private FlatClipper clipper;
  private FloatBuffer buffer;
  private float[] chunk;

  /** Fills the matrix with seeded values, rows of norm spread around the clip norm. */
  @Setup(Level.Trial)
  public void setUp() {
    gradients = Nd4j.create(DataType.FLOAT, shape.batch, shape.params);
    buffer = gradients.data().asNioFloat();
    SplittableRandom random = new SplittableRandom(42);
    float[] row = new float[shape.params];
    for (int i = 0; i < shape.batch; i++) {
      float scale = (float) (2.0 * random.nextDouble() / Math.sqrt(shape.params));
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) (scale * (2 * random.nextDouble() - 1) * Math.sqrt(3));
      }
      buffer.put(i * shape.params, row);
    }
    perExample = PerExampleGradients.ofMatrix(gradients);
    clipper = FlatClipper.of(1.0);
    chunk = new float[4096];
  }

  /** The library's flat clip + sum (two read passes, norms then column tiles). */
  @Benchmark
  public ClippedSum clipAndSum() {
    return clipper.clipAndSum(perExample);
  }

  /** Baseline: one plain read pass, a Java sum loop over the direct buffer with absolute gets. */
  @Benchmark
  public float baselineReadPass() {
    FloatBuffer b = buffer;
    int n = shape.batch * shape.params;
    float s = 0;
    for (int i = 0; i < n; i++) {
      s += b.get(i);
    }
    return s;
  }

  /**
   * Baseline: a faster plain-Java read pass, bulk copies into a heap chunk summed with four
   * accumulators (the inner loop of the clipper's norm pass).
   */
  @Benchmark
  public float baselineChunkedReadPass() {
    FloatBuffer b = buffer;
    float[] c = chunk;
    int n = shape.batch * shape.params;
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    for (int start = 0; start < n; start += c.length) {
      int len = Math.min(c.length, n - start);
      b.get(start, c, 0, len);
      int j = 0;
      for (; j + 3 < len; j += 4) {
        s0 += c[j];
        s1 += c[j + 1];
        s2 += c[j + 2];
        s3 += c[j + 3];
      }
      for (; j < len; j++) {
        s0 += c[j];
      }
    }
    return (s0 + s1) + (s2 + s3);
  }
}

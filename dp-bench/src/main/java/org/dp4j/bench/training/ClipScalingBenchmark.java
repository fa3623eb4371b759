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
 * Flat clip + sum of {@code [B, P]} float per-example matrices for B in {64, 256} and P in {2^16,
 * 2^20} (16 MiB to 1 GiB), against one plain read pass over the same ND4J host buffer in the same
 * run (a Java loop with absolute gets). The project's target is clip + sum in at most 2.5 times the
 * read pass's time. {@code org.dp4j.bench.tools.BenchmarkPlots clipping} plots the JSON output.
 *
 * <p>Run: {@code OMP_NUM_THREADS=1 java -Xmx2g -jar dp-bench/target/benchmarks.jar
 * ClipScalingBenchmark -rf json -rff clipping.json}.
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
public class ClipScalingBenchmark {

  /** Matrix shapes {@code [B, P]}. */
  public enum Shape {
    B64_P2_16(64, 1 << 16),
    B256_P2_16(256, 1 << 16),
    B64_P2_20(64, 1 << 20),
    B256_P2_20(256, 1 << 20);

    final int batch;
    final int params;

    Shape(int batch, int params) {
      this.batch = batch;
      this.params = params;
    }
  }

  @Param public Shape shape;

  private PerExampleGradients perExample;
  private FlatClipper clipper;
  private FloatBuffer buffer;

  /** Fills the matrix with seeded rows whose norms straddle the clip norm 1. */
  @Setup(Level.Trial)
  public void setUp() {
    INDArray gradients = Nd4j.create(DataType.FLOAT, shape.batch, shape.params);
    buffer = gradients.data().asNioFloat();
    SplittableRandom random = new SplittableRandom(42);
    float[] row = new float[shape.params];
    for (int i = 0; i < shape.batch; i++) {
      double scale = 2.0 * random.nextDouble() / Math.sqrt(shape.params) * Math.sqrt(3);
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) (scale * (2 * random.nextDouble() - 1));
      }
      buffer.put(i * shape.params, row);
    }
    perExample = PerExampleGradients.ofMatrix(gradients);
    clipper = FlatClipper.of(1.0);
  }

  /** The library's flat clip + sum. */
  @Benchmark
  public ClippedSum clipAndSum() {
    return clipper.clipAndSum(perExample);
  }

  /** Baseline: one plain read pass (sum with absolute gets). */
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
}

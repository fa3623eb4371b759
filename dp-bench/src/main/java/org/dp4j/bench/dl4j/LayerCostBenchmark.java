package org.dp4j.bench.dl4j;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.gradients.NetworkGradients;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
import org.nd4j.linalg.api.ndarray.INDArray;
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
 * The cost of each fast per-example rule: for each {@link LayerCases} network (the layer between
 * the input and a minimal head), {@code privateGradient} (per-example norms by {@code
 * GradientMethod.AUTO}, the flat clipper's factors and the clipped sum) against {@code
 * nonPrivateGradient} (DL4J's own forward and backward pass, {@code computeGradientAndScore}, on
 * the same batch). The ratio of the two is the coverage table's cost column in {@code
 * docs/dl4j.md}; noise, budget and updater costs, the same for every layer, are left out.
 *
 * <p>Run: {@code OMP_NUM_THREADS=1 java -Xmx2g -jar dp-bench/target/benchmarks.jar
 * LayerCostBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=4G"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class LayerCostBenchmark {

  @Param public LayerCases layer;

  private MultiLayerNetwork privateNetwork;
  private MultiLayerNetwork plainNetwork;
  private NetworkGradients clipping;
  private FlatClipper clipper;
  private INDArray features;
  private INDArray labels;

  /** Builds the case's network twice with the same parameters, and its batch. */
  @Setup(Level.Trial)
  public void setUp() {
    privateNetwork = layer.network();
    plainNetwork = layer.network();
    INDArray[] batch = layer.batch(11);
    features = batch[0];
    labels = batch[1];
    clipping = NetworkGradients.forNetwork(privateNetwork, GradientMethod.AUTO);
    clipper = FlatClipper.of(1.0);
    System.out.println(layer + ": " + clipping.method());
  }

  /** Per-example norms, clip factors and the clipped sum. */
  @Benchmark
  public ClippedSum privateGradient() {
    return clipper.clipAndSum(clipping.gradients(features, labels));
  }

  /** Baseline: DL4J's forward and backward pass on the same batch. */
  @Benchmark
  public INDArray nonPrivateGradient() {
    plainNetwork.setInput(features);
    plainNetwork.setLabels(labels);
    plainNetwork.computeGradientAndScore();
    return plainNetwork.gradient().gradient();
  }
}

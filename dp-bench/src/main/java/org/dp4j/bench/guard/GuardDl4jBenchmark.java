package org.dp4j.bench.guard;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.bench.dl4j.BenchNetworks;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.dl4j.gradients.EngineAccess;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.gradients.NetworkGradients;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.optimizer.DpSgdOptimizer;
import org.dp4j.training.optimizer.StepResult;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
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
 * The guard's DP-SGD step of the Fashion-MNIST CNN ({@link BenchNetworks.Model#CNN}) on a batch of
 * {@value #BATCH}: the private step (layerwise per-example clipping, secure noise, budget charge,
 * Adam) against the non-private step of the same engine, layer rules and convolution code (the
 * plain gradient sum, Adam). Both sides run the same forward and backward passes, so the ratio
 * isolates what privacy adds (per-example convolution gradients, norms, clipping, noise,
 * accounting) and does not move with the speed of the convolutions themselves. Time per call in
 * microseconds; the batch is small so that a 300 ms guard iteration holds several steps.
 *
 * <p>{@link #hotPathRepeats} is the guard's slowdown knob: {@link #privateCnnStep} repeats its step
 * that many times per call.
 *
 * <p>Run alone: {@code OMP_NUM_THREADS=1 java -jar dp-bench/target/benchmarks.jar
 * GuardDl4jBenchmark}.
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
public class GuardDl4jBenchmark {

  /** Examples per step. */
  static final int BATCH = 64;

  /** Slowdown knob: how many times the private step repeats per call (1 = normal). */
  @Param({"1"})
  public int hotPathRepeats;

  private MultiLayerNetwork privateNetwork;
  private NetworkGradients clipping;
  private DpSgdOptimizer optimizer;
  private MultiLayerNetwork plainNetwork;
  private EngineAccess engine;
  private GradientUpdater<?> plainUpdater;
  private int plainIteration;
  private INDArray features;
  private INDArray labels;

  /** Two copies of the seeded CNN, a seeded batch, the DP-SGD optimizer and a plain Adam. */
  @Setup(Level.Trial)
  public void setUp() {
    privateNetwork = BenchNetworks.build(BenchNetworks.Model.CNN);
    plainNetwork = BenchNetworks.build(BenchNetworks.Model.CNN);
    INDArray[] data = BenchNetworks.batch(BATCH, 8);
    features = data[0];
    labels = data[1];
    clipping = NetworkGradients.forNetwork(privateNetwork, GradientMethod.LAYERWISE);
    DpSgdConfig config =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .noiseMultiplier(1.0)
            .targetDelta(1e-5)
            .datasetSize(60_000)
            .expectedBatchSize(BATCH)
            .plannedSteps(1_000_000)
            .accountant(AccountantKind.RDP)
            .build();
    optimizer = DpSgdOptimizer.wrap(new Adam(1e-3), config, GaussianTensorNoise.secure());
    engine = EngineAccess.of(plainNetwork);
    INDArray state =
        Nd4j.create(DataType.FLOAT, 1, new Adam(1e-3).stateSize(plainNetwork.numParams()));
    plainUpdater = new Adam(1e-3).instantiate(state, true);
    plainUpdater.setStateViewArray(state, plainNetwork.params().shape(), 'c', true);
  }

  /** The private step: clip and sum, noise, budget charge, Adam update. */
  @Benchmark
  public StepResult privateCnnStep() {
    StepResult result = null;
    for (int r = 0; r < hotPathRepeats; r++) {
      result = optimizer.step(privateNetwork.params(), clipping.gradients(features, labels));
    }
    return result;
  }

  /** Baseline: the non-private step through the same engine (gradient sum, mean, Adam). */
  @Benchmark
  public INDArray baselineEnginePlainCnnStep() {
    INDArray params = plainNetwork.params();
    INDArray gradient = engine.gradientSum(features, labels).divi(BATCH).reshape(params.shape());
    plainUpdater.applyUpdater(gradient, plainIteration++, 0);
    return params.subi(gradient);
  }
}

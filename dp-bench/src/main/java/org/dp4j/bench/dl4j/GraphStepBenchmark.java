package org.dp4j.bench.dl4j;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.gradients.GraphEngineAccess;
import org.dp4j.dl4j.gradients.NetworkGradients;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.optimizer.DpSgdOptimizer;
import org.dp4j.training.optimizer.StepResult;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step of the residual CNN ({@link BenchNetworks#residualCnn()}, a {@code
 * ComputationGraph}) on {@link TrainingStepBenchmark}'s fixed batch of 256 Fashion-MNIST-shaped
 * examples: {@code privateStep} (per-example clipping through the graph engine, secure noise,
 * budget charge, Adam update) against {@code enginePlainStep} (the plain gradient sum through the
 * same engine and rules, Adam) and {@code nonPrivateStep} (DL4J's own {@code fit} of the graph with
 * Adam). {@code GradientMethod.AUTO} picks layerwise clipping (the convolutions form per-example
 * gradients).
 *
 * <p>Run: {@code OMP_NUM_THREADS=1 java -Xmx2g -jar dp-bench/target/benchmarks.jar
 * GraphStepBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=4G"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class GraphStepBenchmark {

  private ComputationGraph privateGraph;
  private ComputationGraph plainGraph;
  private ComputationGraph engineGraph;
  private GraphEngineAccess engine;
  private GradientUpdater<?> engineUpdater;
  private int engineIteration;
  private NetworkGradients clipping;
  private DpSgdOptimizer optimizer;
  private INDArray features;
  private INDArray labels;
  private DataSet batch;

  /** Builds the graphs with the same seeded parameters and a seeded batch. */
  @Setup(Level.Trial)
  public void setUp() {
    privateGraph = BenchNetworks.residualCnn();
    plainGraph = BenchNetworks.residualCnn();
    engineGraph = BenchNetworks.residualCnn();
    INDArray[] data = BenchNetworks.batch(TrainingStepBenchmark.BATCH, 8);
    features = data[0];
    labels = data[1];
    batch = new DataSet(features, labels);
    engine = GraphEngineAccess.of(engineGraph);
    INDArray engineState =
        Nd4j.create(DataType.FLOAT, 1, new Adam(1e-3).stateSize(engineGraph.numParams()));
    engineUpdater = new Adam(1e-3).instantiate(engineState, true);
    engineUpdater.setStateViewArray(engineState, engineGraph.params().shape(), 'c', true);
    clipping = NetworkGradients.forGraph(privateGraph, GradientMethod.AUTO);
    // A fixed noise multiplier: the optimizer charges its own odometer over an RDP accountant.
    DpSgdConfig config =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .noiseMultiplier(1.0)
            .targetDelta(1e-5)
            .datasetSize(60_000)
            .expectedBatchSize(TrainingStepBenchmark.BATCH)
            .plannedSteps(1_000_000)
            .accountant(AccountantKind.RDP)
            .build();
    optimizer = DpSgdOptimizer.wrap(new Adam(1e-3), config, GaussianTensorNoise.secure());
  }

  /** Per-example gradients (layerwise), clip, noise, charge the budget, Adam update. */
  @Benchmark
  public StepResult privateStep() {
    return optimizer.step(privateGraph.params(), clipping.gradients(features, labels));
  }

  /**
   * Baseline: the non-private step through the same graph engine and rules as {@code privateStep}
   * (the plain gradient sum, no norms, clipping, noise or budget), divided by the batch size, then
   * ND4J's Adam and the parameter update.
   */
  @Benchmark
  public INDArray enginePlainStep() {
    INDArray params = engineGraph.params();
    INDArray gradient =
        engine
            .gradientSum(features, labels)
            .divi(TrainingStepBenchmark.BATCH)
            .reshape(params.shape());
    engineUpdater.applyUpdater(gradient, engineIteration++, 0);
    return params.subi(gradient);
  }

  /** Baseline: DL4J's own forward, backward and Adam update of the graph on the same batch. */
  @Benchmark
  public INDArray nonPrivateStep() {
    plainGraph.fit(batch);
    return plainGraph.params();
  }
}

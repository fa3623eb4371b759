package org.dp4j.bench.dl4j;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.SpendReceipt;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.dl4j.gradients.EngineAccess;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.gradients.NetworkGradients;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training step on a fixed batch of 256 Fashion-MNIST-shaped examples (28x28, 10 classes; the
 * LSTMs read the rows as time steps, {@code LSTM_DIGITS} on 8x8 digits): {@code privateStep}
 * (per-example clipping, secure noise, budget charge, Adam update) against {@code nonPrivateStep}
 * (DL4J's own {@code fit} on the same batch with Adam). Targets: MLP private/non-private {@code <=
 * 1.3}, CNN {@code <= 3}, LSTM {@code <= 2}.
 *
 * <p>{@code GradientMethod.AUTO} picks ghost clipping for the MLP and layerwise (im2col) clipping
 * for the CNN; both are exact.
 *
 * <p>The MLP's private step is also measured in phases, each on its own state so that the two steps
 * are not disturbed: {@code clipOnly} (ghost norms, the flat clipper's factors and the clipped
 * sum), {@code afterClipOnly} (noise, divide, budget charge and Adam update on a fixed clipped
 * sum), and its parts {@code noiseOnly} (secure noise into the model's 203,530 floats), {@code
 * spendOnly} (the odometer charge over an RDP accountant) and {@code updateOnly} (ND4J's Adam and
 * the parameter update). {@code privateStep} is about {@code clipOnly + afterClipOnly}.
 *
 * <p>Run: {@code OMP_NUM_THREADS=1 java -Xmx2g -jar dp-bench/target/benchmarks.jar
 * TrainingStepBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g", "-Dorg.bytedeco.javacpp.maxphysicalbytes=4G"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TrainingStepBenchmark {

  /** Examples per step. */
  static final int BATCH = 256;

  @Param public BenchNetworks.Model model;

  private MultiLayerNetwork privateNetwork;
  private MultiLayerNetwork plainNetwork;
  private MultiLayerNetwork engineNetwork;
  private EngineAccess engine;
  private GradientUpdater<?> engineUpdater;
  private int engineIteration;
  private NetworkGradients clipping;
  private FlatClipper clipper;
  private DpSgdOptimizer optimizer;
  private INDArray features;
  private INDArray labels;
  private DataSet batch;
  private ClippedSum phaseClipped;
  private INDArray phaseSum;
  private INDArray phaseParameters;
  private DpSgdOptimizer phaseOptimizer;
  private GaussianTensorNoise phaseNoise;
  private PrivacyFilter phaseFilter;
  private PrivacyEvent phaseEvent;
  private GradientUpdater<?> phaseUpdater;

  /** Builds the networks with the same seeded parameters and a seeded batch. */
  @Setup(Level.Trial)
  public void setUp() {
    privateNetwork = BenchNetworks.build(model);
    plainNetwork = BenchNetworks.build(model);
    engineNetwork = BenchNetworks.build(model);
    INDArray[] data = BenchNetworks.batch(model, BATCH, 8);
    features = data[0];
    labels = data[1];
    batch = new DataSet(features, labels);
    engine = EngineAccess.of(engineNetwork);
    INDArray engineState =
        Nd4j.create(DataType.FLOAT, 1, new Adam(1e-3).stateSize(engineNetwork.numParams()));
    engineUpdater = new Adam(1e-3).instantiate(engineState, true);
    engineUpdater.setStateViewArray(engineState, engineNetwork.params().shape(), 'c', true);
    clipping = NetworkGradients.forNetwork(privateNetwork, GradientMethod.AUTO);
    clipper = FlatClipper.of(1.0);
    // A fixed noise multiplier: each optimizer charges its own odometer over an RDP accountant.
    DpSgdConfig.Builder config =
        DpSgdConfig.builder()
            .clipNorm(1.0)
            .noiseMultiplier(1.0)
            .targetDelta(1e-5)
            .datasetSize(60_000)
            .expectedBatchSize(BATCH)
            .plannedSteps(1_000_000)
            .accountant(AccountantKind.RDP);
    optimizer = DpSgdOptimizer.wrap(new Adam(1e-3), config.build(), GaussianTensorNoise.secure());
    // Phase benchmarks: their own state, so that they do not disturb the two steps above.
    phaseClipped = clipper.clipAndSum(clipping.gradients(features, labels));
    phaseSum = phaseClipped.sum().dup();
    phaseParameters = privateNetwork.params().dup();
    DpSgdConfig phaseConfig = config.build();
    phaseOptimizer = DpSgdOptimizer.wrap(new Adam(1e-3), phaseConfig, GaussianTensorNoise.secure());
    phaseNoise = GaussianTensorNoise.secure();
    phaseFilter = PrivacyFilter.odometer(new RdpAccountant(), 1e-5);
    phaseEvent = phaseConfig.stepEvent();
    INDArray adamState =
        Nd4j.create(DataType.FLOAT, 1, new Adam(1e-3).stateSize(phaseParameters.length()));
    phaseUpdater = new Adam(1e-3).instantiate(adamState, true);
    phaseUpdater.setStateViewArray(adamState, phaseParameters.shape(), 'c', true);
  }

  /** Per-example gradients (ghost or layerwise), clip, noise, charge the budget, Adam update. */
  @Benchmark
  public StepResult privateStep() {
    return optimizer.step(privateNetwork.params(), clipping.gradients(features, labels));
  }

  /** Phase of {@code privateStep}: per-example clipping and the clipped sum only. */
  @Benchmark
  public ClippedSum clipOnly() {
    return clipper.clipAndSum(clipping.gradients(features, labels));
  }

  /**
   * Phase of {@code privateStep}: everything after clipping (noise, divide, budget charge, Adam
   * update) on a fixed clipped sum, on a copy of the parameters.
   */
  @Benchmark
  public StepResult afterClipOnly() {
    ClippedSum sum =
        ClippedSum.builder()
            .sum(phaseSum)
            .l2Sensitivity(phaseClipped.l2Sensitivity())
            .batchSize(phaseClipped.batchSize())
            .clippedCount(phaseClipped.clippedCount())
            .withinNormCount(phaseClipped.withinNormCount())
            .nonFiniteCount(phaseClipped.nonFiniteCount())
            .build();
    return phaseOptimizer.stepWithClippedSum(phaseParameters, sum);
  }

  /** Phase of {@code afterClipOnly}: secure Gaussian noise into a sum of the model's length. */
  @Benchmark
  public INDArray noiseOnly() {
    phaseNoise.addNoise(phaseSum, 1e-3);
    return phaseSum;
  }

  /** Phase of {@code afterClipOnly}: the budget charge (odometer over an RDP accountant). */
  @Benchmark
  public SpendReceipt spendOnly() {
    return phaseFilter.spend(phaseEvent, "dp-sgd step");
  }

  /** Phase of {@code afterClipOnly}: the ND4J Adam updater and the parameter update. */
  @Benchmark
  public INDArray updateOnly() {
    INDArray gradient = phaseSum.reshape(phaseParameters.shape()).dup();
    phaseUpdater.applyUpdater(gradient, 0, 0);
    return phaseParameters.subi(gradient);
  }

  /**
   * Baseline: the non-private step through the same engine, layer rules and convolution code as
   * {@code privateStep} (the plain gradient sum, no norms, clipping, noise or budget), divided by
   * the batch size, then ND4J's Adam and the parameter update.
   */
  @Benchmark
  public INDArray enginePlainStep() {
    INDArray params = engineNetwork.params();
    INDArray gradient = engine.gradientSum(features, labels).divi(BATCH).reshape(params.shape());
    engineUpdater.applyUpdater(gradient, engineIteration++, 0);
    return params.subi(gradient);
  }

  /** Baseline: DL4J's own forward, backward and Adam update on the same batch. */
  @Benchmark
  public INDArray nonPrivateStep() {
    plainNetwork.fit(batch);
    return plainNetwork.params();
  }
}

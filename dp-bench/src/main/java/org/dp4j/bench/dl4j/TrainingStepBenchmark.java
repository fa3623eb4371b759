package org.dp4j.bench.dl4j;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.SpendReceipt;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.gradients.NetworkGradients;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.optimizer.DpSgdOptimizer;
import org.dp4j.training.optimizer.StepResult;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
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
 * One training step on a fixed batch of 256 Fashion-MNIST-shaped examples (28x28, 10 classes):
 * {@code privateStep} (per-example clipping, secure noise, budget charge, Adam update) against
 * {@code nonPrivateStep} (DL4J's own {@code fit} on the same batch with Adam). Targets: MLP
 * private/non-private {@code <= 1.3}, CNN {@code <= 3}.
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

  private static final int BATCH = 256;
  private static final int SIDE = 28;
  private static final int CLASSES = 10;

  /** The networks. */
  public enum Model {
    /** 784 -> 256 tanh -> 10 softmax. */
    MLP,
    /** conv 3x3x16 tanh, max pool 2x2, conv 3x3x32 tanh, dense 32 tanh, 10 softmax. */
    CNN
  }

  @Param public Model model;

  private MultiLayerNetwork privateNetwork;
  private MultiLayerNetwork plainNetwork;
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

  /** Builds both networks with the same seeded parameters and a seeded batch. */
  @Setup(Level.Trial)
  public void setUp() {
    privateNetwork = build(model);
    plainNetwork = build(model);
    SplittableRandom random = new SplittableRandom(7);
    float[] params = new float[(int) privateNetwork.numParams()];
    for (int i = 0; i < params.length; i++) {
      params[i] = (float) ((random.nextDouble() - 0.5) * 0.1);
    }
    privateNetwork.setParams(Nd4j.createFromArray(params).reshape(1, params.length));
    plainNetwork.setParams(privateNetwork.params().dup());
    float[][] x = new float[BATCH][SIDE * SIDE];
    float[][] y = new float[BATCH][CLASSES];
    for (int i = 0; i < BATCH; i++) {
      for (int j = 0; j < x[i].length; j++) {
        x[i][j] = (float) random.nextDouble();
      }
      y[i][random.nextInt(CLASSES)] = 1f;
    }
    features = Nd4j.createFromArray(x);
    labels = Nd4j.createFromArray(y);
    batch = new DataSet(features, labels);
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

  private static MultiLayerNetwork build(Model model) {
    NeuralNetConfiguration.ListBuilder list =
        new NeuralNetConfiguration.Builder()
            .dataType(DataType.FLOAT)
            .updater(new Adam(1e-3))
            .list();
    if (model == Model.MLP) {
      list.layer(
              new DenseLayer.Builder()
                  .nIn(SIDE * SIDE)
                  .nOut(256)
                  .activation(Activation.TANH)
                  .build())
          .layer(
              new OutputLayer.Builder(LossFunction.MCXENT)
                  .nIn(256)
                  .nOut(CLASSES)
                  .activation(Activation.SOFTMAX)
                  .build());
    } else {
      list.layer(new ConvolutionLayer.Builder(3, 3).nOut(16).activation(Activation.TANH).build())
          .layer(
              new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                  .kernelSize(2, 2)
                  .stride(2, 2)
                  .build())
          .layer(new ConvolutionLayer.Builder(3, 3).nOut(32).activation(Activation.TANH).build())
          .layer(new DenseLayer.Builder().nOut(32).activation(Activation.TANH).build())
          .layer(
              new OutputLayer.Builder(LossFunction.MCXENT)
                  .nOut(CLASSES)
                  .activation(Activation.SOFTMAX)
                  .build())
          .setInputType(InputType.convolutionalFlat(SIDE, SIDE, 1));
    }
    MultiLayerNetwork network = new MultiLayerNetwork(list.build());
    network.init();
    return network;
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

  /** Baseline: DL4J's own forward, backward and Adam update on the same batch. */
  @Benchmark
  public INDArray nonPrivateStep() {
    plainNetwork.fit(batch);
    return plainNetwork.params();
  }
}

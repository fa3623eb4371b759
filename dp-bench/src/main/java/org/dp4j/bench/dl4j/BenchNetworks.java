package org.dp4j.bench.dl4j;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The benchmarked networks (the Fashion-MNIST models of {@code dp4j train}'s size, 28x28 inputs, 10
 * classes, and the LSTM of {@code dp4j train --model lstm} also on the 8x8 digits), with seeded
 * parameters and a seeded batch.
 */
public final class BenchNetworks {

  /** Image side. */
  public static final int SIDE = 28;

  /** Classes. */
  public static final int CLASSES = 10;

  /** Units of the LSTM models' recurrent layer (as {@code dp4j train --model lstm}). */
  public static final int LSTM_UNITS = 32;

  /** The networks. */
  public enum Model {
    /** 784 -> 256 tanh -> 10 softmax (203,530 parameters). */
    MLP(SIDE),
    /**
     * conv 3x3x16 tanh, max pool 2x2, conv 3x3x32 tanh, dense 32 tanh, 10 softmax (129,066
     * parameters).
     */
    CNN(SIDE),
    /**
     * The image rows as 28 time steps of 28 features ({@code [B, 28, 28]}, DL4J's NCW layout), an
     * LSTM of 32 tanh units, its last time step, 10 softmax (8,138 parameters).
     */
    LSTM(SIDE),
    /**
     * The same LSTM on the 8x8 digits read as 8 steps of 8 features ({@code [B, 8, 8]}), the model
     * whose accuracy {@code docs/results.md} reports (5,578 parameters).
     */
    LSTM_DIGITS(8);

    private final int side;

    Model(int side) {
      this.side = side;
    }

    /** The side of the square images (28, or 8 for the digits). */
    public int side() {
      return side;
    }

    /** Whether the model reads the image rows as a sequence ({@code [B, side, side]} input). */
    public boolean sequence() {
      return this == LSTM || this == LSTM_DIGITS;
    }
  }

  private BenchNetworks() {}

  /**
   * An initialised {@code FLOAT} network with parameters uniform in {@code [-0.05, 0.05)} from a
   * generator seeded with 7, and DL4J's Adam (learning rate 1e-3) as its own updater.
   */
  public static MultiLayerNetwork build(Model model) {
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
    } else if (model.sequence()) {
      list.layer(
              new LastTimeStep(
                  new org.deeplearning4j.nn.conf.layers.LSTM.Builder()
                      .nOut(LSTM_UNITS)
                      .activation(Activation.TANH)
                      .build()))
          .layer(
              new OutputLayer.Builder(LossFunction.MCXENT)
                  .nOut(CLASSES)
                  .activation(Activation.SOFTMAX)
                  .build())
          .setInputType(InputType.recurrent(model.side(), model.side()));
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
    network.setParams(uniform(network.numParams()));
    return network;
  }

  /**
   * The residual CNN (a {@code ComputationGraph}): {@code conv0} 3x3x16 tanh, 2x2 max pool, a
   * residual block ({@code conv1} 3x3x16 tanh and {@code conv2} 3x3x16 identity in Same mode, added
   * to the pooled input), 2x2 max pool, dense 32 tanh, 10 softmax (23,594 parameters); parameters
   * and updater as {@link #build}.
   */
  public static ComputationGraph residualCnn() {
    ComputationGraph graph =
        new ComputationGraph(
            new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutionalFlat(SIDE, SIDE, 1))
                .addLayer("conv0", conv(3, Activation.TANH, ConvolutionMode.Truncate), "in")
                .addLayer("pool0", maxPool(), "conv0")
                .addLayer("conv1", conv(3, Activation.TANH, ConvolutionMode.Same), "pool0")
                .addLayer("conv2", conv(3, Activation.IDENTITY, ConvolutionMode.Same), "conv1")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv2", "pool0")
                .addLayer("pool1", maxPool(), "add")
                .addLayer(
                    "dense",
                    new DenseLayer.Builder().nOut(32).activation(Activation.TANH).build(),
                    "pool1")
                .addLayer(
                    "out",
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(CLASSES)
                        .activation(Activation.SOFTMAX)
                        .build(),
                    "dense")
                .setOutputs("out")
                .build());
    graph.init();
    graph.setParams(uniform(graph.numParams()));
    return graph;
  }

  private static ConvolutionLayer conv(int kernel, Activation activation, ConvolutionMode mode) {
    return new ConvolutionLayer.Builder(kernel, kernel)
        .nOut(16)
        .convolutionMode(mode)
        .activation(activation)
        .build();
  }

  private static SubsamplingLayer maxPool() {
    return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
        .kernelSize(2, 2)
        .stride(2, 2)
        .build();
  }

  /** {@code [1, count]} parameters uniform in {@code [-0.05, 0.05)}, generator seeded with 7. */
  private static INDArray uniform(long count) {
    SplittableRandom random = new SplittableRandom(7);
    float[] params = new float[(int) count];
    for (int i = 0; i < params.length; i++) {
      params[i] = (float) ((random.nextDouble() - 0.5) * 0.1);
    }
    return Nd4j.createFromArray(params).reshape(1, params.length);
  }

  /**
   * A seeded batch for {@code model}: as {@link #batch(int, long)}, the features of the sequence
   * models as {@code [batch, side, side]} (uniform in {@code [0, 1)}, like image rows).
   *
   * @return the features and the labels
   */
  public static INDArray[] batch(Model model, int batch, long seed) {
    if (!model.sequence()) {
      return batch(batch, seed);
    }
    int side = model.side();
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[batch * side * side];
    float[][] y = new float[batch][CLASSES];
    for (int i = 0; i < batch; i++) {
      for (int j = 0; j < side * side; j++) {
        x[i * side * side + j] = (float) random.nextDouble();
      }
      y[i][random.nextInt(CLASSES)] = 1f;
    }
    return new INDArray[] {
      Nd4j.createFromArray(x).reshape('c', batch, side, side), Nd4j.createFromArray(y)
    };
  }

  /**
   * A seeded batch: {@code [batch, 784]} features uniform in {@code [0, 1)} and one-hot {@code
   * [batch, 10]} labels.
   *
   * @return the features and the labels
   */
  public static INDArray[] batch(int batch, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] x = new float[batch][SIDE * SIDE];
    float[][] y = new float[batch][CLASSES];
    for (int i = 0; i < batch; i++) {
      for (int j = 0; j < x[i].length; j++) {
        x[i][j] = (float) random.nextDouble();
      }
      y[i][random.nextInt(CLASSES)] = 1f;
    }
    return new INDArray[] {Nd4j.createFromArray(x), Nd4j.createFromArray(y)};
  }
}

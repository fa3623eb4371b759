package org.dp4j.bench.dl4j;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * One small network per layer type with a fast per-example rule: the layer under test between the
 * input and a minimal head, for measuring its private gradient cost against the non-private one
 * ({@link LayerCostBenchmark}). Sequences are {@value #STEPS} steps long, in DL4J's {@code [B,
 * features, T]} layout; batches are seeded.
 */
public enum LayerCases {
  /** Dense 256 -> 256 tanh, output 10. */
  DENSE(Input.VECTOR, () -> dense(256)),
  /** Dense 256 -> 256 tanh with layer normalization, output 10. */
  DENSE_LAYER_NORM(
      Input.VECTOR,
      () ->
          new DenseLayer.Builder()
              .nOut(256)
              .activation(Activation.TANH)
              .hasLayerNorm(true)
              .build()),
  /** Dense 256 -> 256 identity, PReLU, output 10. */
  PRELU(
      Input.VECTOR,
      () -> new DenseLayer.Builder().nOut(256).activation(Activation.IDENTITY).build(),
      () -> new PReLULayer.Builder().inputShape(256).build()),
  /** Dense 256 -> 256 identity, tanh activation layer, output 10. */
  ACTIVATION(
      Input.VECTOR,
      () -> new DenseLayer.Builder().nOut(256).activation(Activation.IDENTITY).build(),
      () -> new ActivationLayer.Builder().activation(Activation.TANH).build()),
  /** Dropout layer (retain 0.9), dense 256 -> 256 tanh, output 10. */
  DROPOUT(Input.VECTOR, () -> new DropoutLayer.Builder(0.9).build(), () -> dense(256)),
  /** Frozen dense 256 -> 256 (with backprop), trainable dense 256 -> 256, output 10. */
  FROZEN(Input.VECTOR, () -> new FrozenLayerWithBackprop(dense(256)), () -> dense(256)),
  /** Embedding of {@value #VOCABULARY} indices to 64, output 10. */
  EMBEDDING(
      Input.INDEX,
      () ->
          new EmbeddingLayer.Builder()
              .nIn(LayerCases.VOCABULARY)
              .nOut(64)
              .activation(Activation.TANH)
              .build()),
  /** Convolution 3x3x16 tanh on 28x28, output 10. */
  CONVOLUTION(
      Input.IMAGE,
      () -> new ConvolutionLayer.Builder(3, 3).nOut(16).activation(Activation.TANH).build()),
  /** Convolution 3x3x16 tanh, max pooling 2x2, output 10. */
  POOLING(
      Input.IMAGE,
      () -> new ConvolutionLayer.Builder(3, 3).nOut(16).activation(Activation.TANH).build(),
      () ->
          new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
              .kernelSize(2, 2)
              .stride(2, 2)
              .build()),
  /** Embedding sequence of {@value #VOCABULARY} indices to 64, average pooling, output 10. */
  EMBEDDING_SEQUENCE(
      Input.INDEX_SEQUENCE,
      () ->
          new EmbeddingSequenceLayer.Builder()
              .nIn(LayerCases.VOCABULARY)
              .nOut(64)
              .inputLength(LayerCases.STEPS)
              .build(),
      LayerCases::averagePooling),
  /** Dense 32 -> 64 tanh per time step, output 10 per step. */
  DENSE_PER_STEP(Input.SEQUENCE_PER_STEP, () -> dense(64)),
  /** Time-distributed dense 32 -> 64 tanh, output 10 per step. */
  TIME_DISTRIBUTED(Input.SEQUENCE_PER_STEP, () -> new TimeDistributed(dense(64))),
  /** One-dimensional convolution (kernel 3, 64 channels, same padding), average pooling. */
  CONVOLUTION_1D(
      Input.SEQUENCE,
      () ->
          new Convolution1DLayer.Builder()
              .kernelSize(3)
              .nOut(64)
              .convolutionMode(ConvolutionMode.Same)
              .activation(Activation.TANH)
              .build(),
      LayerCases::averagePooling),
  /** LSTM 32 -> 64, last time step, output 10. */
  LSTM_LAST_STEP(
      Input.SEQUENCE,
      () -> new LastTimeStep(new LSTM.Builder().nOut(64).activation(Activation.TANH).build())),
  /** Graves LSTM 32 -> 64 (peepholes), last time step, output 10. */
  GRAVES_LSTM(
      Input.SEQUENCE,
      () ->
          new LastTimeStep(new GravesLSTM.Builder().nOut(64).activation(Activation.TANH).build())),
  /** Simple RNN 32 -> 64, last time step, output 10. */
  SIMPLE_RNN(
      Input.SEQUENCE,
      () -> new LastTimeStep(new SimpleRnn.Builder().nOut(64).activation(Activation.TANH).build())),
  /** Bidirectional LSTM 32 -> 2 x 32 (concatenated), average pooling, output 10. */
  BIDIRECTIONAL_LSTM(
      Input.SEQUENCE,
      () ->
          new Bidirectional(
              Bidirectional.Mode.CONCAT,
              new LSTM.Builder().nOut(32).activation(Activation.TANH).build()),
      LayerCases::averagePooling),
  /** Self-attention 32 -> 32, 4 heads of 8, average pooling, output 10. */
  SELF_ATTENTION(
      Input.SEQUENCE,
      () ->
          new SelfAttentionLayer.Builder()
              .nOut(32)
              .nHeads(4)
              .headSize(8)
              .projectInput(true)
              .build(),
      LayerCases::averagePooling);

  /** Examples per batch. */
  public static final int BATCH = 64;

  /** Time steps of a sequence. */
  public static final int STEPS = 32;

  /** Indices of the embedding layers. */
  public static final int VOCABULARY = 1000;

  /** Classes. */
  public static final int CLASSES = 10;

  /** The input a case reads, and its head. */
  enum Input {
    /** {@code [B, 256]} features; a dense output layer. */
    VECTOR,
    /** {@code [B, 1]} indices; a dense output layer. */
    INDEX,
    /** {@code [B, 784]} 28x28 images; a dense output layer. */
    IMAGE,
    /** {@code [B, 1, T]} indices; the case pools, then a dense output layer. */
    INDEX_SEQUENCE,
    /** {@code [B, 32, T]} sequences; the case pools or takes the last step, a dense output. */
    SEQUENCE,
    /** {@code [B, 32, T]} sequences; an output per time step ({@code RnnOutputLayer}). */
    SEQUENCE_PER_STEP
  }

  private final Input input;
  private final Supplier<Layer>[] layers;

  @SafeVarargs
  LayerCases(Input input, Supplier<Layer>... layers) {
    this.input = input;
    this.layers = layers;
  }

  /**
   * The case's initialised {@code FLOAT} network, its parameters uniform in {@code [-0.1, 0.1)}
   * from a generator seeded with 7 (the updater is irrelevant: nothing is updated).
   */
  public MultiLayerNetwork network() {
    NeuralNetConfiguration.ListBuilder list =
        new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).updater(new Sgd(0.0)).list();
    for (Supplier<Layer> layer : layers) {
      list.layer(layer.get());
    }
    boolean indices = input == Input.INDEX || input == Input.INDEX_SEQUENCE;
    list.layer(
        input == Input.SEQUENCE_PER_STEP
            ? new RnnOutputLayer.Builder(LossFunction.MCXENT)
                .nOut(CLASSES)
                .activation(Activation.SOFTMAX)
                .build()
            : new OutputLayer.Builder(LossFunction.MCXENT)
                .nIn(indices ? 64 : 0)
                .nOut(CLASSES)
                .activation(Activation.SOFTMAX)
                .build());
    // An input type would set the embeddings' nIn (the vocabulary) to the index width: the index
    // cases give every nIn themselves.
    switch (input) {
      case VECTOR -> list.setInputType(InputType.feedForward(256));
      case IMAGE -> list.setInputType(InputType.convolutionalFlat(28, 28, 1));
      case SEQUENCE, SEQUENCE_PER_STEP -> list.setInputType(InputType.recurrent(32, STEPS));
      case INDEX, INDEX_SEQUENCE -> {}
    }
    MultiLayerNetwork network = new MultiLayerNetwork(list.build());
    network.init();
    SplittableRandom random = new SplittableRandom(7);
    float[] params = new float[(int) network.numParams()];
    for (int i = 0; i < params.length; i++) {
      params[i] = (float) ((random.nextDouble() - 0.5) * 0.2);
    }
    network.setParams(Nd4j.createFromArray(params).reshape(1, params.length));
    return network;
  }

  /**
   * A seeded batch of {@link #BATCH} examples in the case's input shape, with one-hot labels
   * ({@code [B, 10]}, or {@code [B, 10, T]} per time step).
   *
   * @return the features and the labels
   */
  public INDArray[] batch(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    INDArray features =
        switch (input) {
          case VECTOR -> uniform(random, BATCH, 256);
          case INDEX -> indices(random, BATCH, 1);
          case IMAGE -> uniform(random, BATCH, 28 * 28);
          case INDEX_SEQUENCE -> indices(random, BATCH, STEPS).reshape(BATCH, 1, STEPS);
          case SEQUENCE, SEQUENCE_PER_STEP ->
              uniform(random, BATCH, 32 * STEPS).reshape(BATCH, 32, STEPS);
        };
    int steps = input == Input.SEQUENCE_PER_STEP ? STEPS : 1;
    float[] labels = new float[BATCH * CLASSES * steps];
    for (int i = 0; i < BATCH; i++) {
      for (int t = 0; t < steps; t++) {
        labels[(i * CLASSES + random.nextInt(CLASSES)) * steps + t] = 1f;
      }
    }
    INDArray y = Nd4j.createFromArray(labels);
    return new INDArray[] {
      features, steps == 1 ? y.reshape(BATCH, CLASSES) : y.reshape(BATCH, CLASSES, steps)
    };
  }

  private static DenseLayer dense(int units) {
    return new DenseLayer.Builder().nOut(units).activation(Activation.TANH).build();
  }

  private static Layer averagePooling() {
    return new GlobalPoolingLayer.Builder(PoolingType.AVG).build();
  }

  private static INDArray uniform(SplittableRandom random, int rows, int columns) {
    float[] values = new float[rows * columns];
    for (int k = 0; k < values.length; k++) {
      values[k] = (float) random.nextDouble();
    }
    return Nd4j.createFromArray(values).reshape(rows, columns);
  }

  private static INDArray indices(SplittableRandom random, int rows, int columns) {
    float[] values = new float[rows * columns];
    for (int k = 0; k < values.length; k++) {
      values[k] = random.nextInt(VOCABULARY);
    }
    return Nd4j.createFromArray(values).reshape(rows, columns);
  }
}

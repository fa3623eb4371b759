package org.dp4j.cli;

import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
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
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The models {@code dp4j train} can build. All use tanh ("tempered sigmoid") activations, which
 * suit DP-SGD better than ReLU (Papernot et al. 2021, "Tempered sigmoid activations for deep
 * learning with differential privacy").
 */
enum ModelKind {
  /** One hidden dense layer of 128 units (ghost clipping: fast). */
  MLP,
  /**
   * A 3x3 convolution, 2x2 max pooling, a second convolution (2x2 on 8x8 images, else 3x3), a dense
   * layer and the output (exact layerwise per-example clipping, {@code GradientMethod.LAYERWISE}:
   * im2col per-example convolution gradients, ghost norms for the dense layers).
   */
  CNN,
  /**
   * A sequence classifier: the image rows as time steps ({@link RowSequences}), an LSTM of 32 tanh
   * units over them, its output at the last step ({@code LastTimeStep}) and a softmax output layer.
   */
  LSTM,
  /**
   * A residual {@code ComputationGraph} CNN: a 3x3 convolution, 2x2 max pooling, a residual block
   * (two 3x3 Same-mode convolutions, the second without activation, added to the pooled input by an
   * {@code ElementWiseVertex}), 2x2 max pooling, a dense layer of 32 and the output; 16 channels (8
   * on 8x8 images). Exact layerwise per-example clipping through the graph engine.
   */
  RESNET;

  /** Units of the {@link #LSTM} model's recurrent layer. */
  static final int LSTM_UNITS = 32;

  /**
   * {@code data} as this model reads it: the flattened images for {@link #MLP}, {@link #CNN} and
   * {@link #RESNET}, the rows as time steps ({@link RowSequences}) for {@link #LSTM}.
   */
  TrainingData input(TrainingData data) {
    return this == LSTM ? RowSequences.of(data) : data;
  }

  /**
   * The network of this kind for {@code data} (as {@link #input(TrainingData)} gives it), with
   * DL4J's {@code updater} for non-private runs; parameters as {@link #build(TrainingData, long)}
   * draws them.
   */
  TrainableModel model(TrainingData data, long seed, IUpdater updater) {
    return this == RESNET
        ? new TrainableModel.Graph(buildGraph(data, seed, updater))
        : new TrainableModel.Layered(build(data, seed, updater));
  }

  /**
   * A network for {@code data} (as {@link #input(TrainingData)} gives it), its parameters drawn
   * from a generator seeded with {@code seed}: Glorot-normal input and recurrent weights, zero
   * biases, except the LSTM's forget-gate bias, which keeps DL4J's deterministic initial value 1
   * (Gers, Schmidhuber &amp; Cummins 2000; Jozefowicz, Zaremba &amp; Sutskever 2015). The initial
   * parameters are not private data.
   */
  MultiLayerNetwork build(TrainingData data, long seed) {
    return build(data, seed, new Sgd(0.0));
  }

  /**
   * As {@link #build(TrainingData, long)} with DL4J's own updater (for non-private baselines).
   *
   * @throws IllegalStateException for {@link #RESNET}, a graph ({@link #model})
   */
  MultiLayerNetwork build(TrainingData data, long seed, IUpdater updater) {
    if (this == RESNET) {
      throw new IllegalStateException("RESNET is a ComputationGraph: use model(...)");
    }
    NeuralNetConfiguration.ListBuilder list =
        new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).updater(updater).list();
    if (this == MLP) {
      list.layer(
              new DenseLayer.Builder()
                  .nIn(data.features())
                  .nOut(128)
                  .activation(Activation.TANH)
                  .build())
          .layer(
              new OutputLayer.Builder(LossFunction.MCXENT)
                  .nIn(128)
                  .nOut(data.classes())
                  .activation(Activation.SOFTMAX)
                  .build());
    } else if (this == LSTM) {
      list.layer(
              new LastTimeStep(
                  new org.deeplearning4j.nn.conf.layers.LSTM.Builder()
                      .nOut(LSTM_UNITS)
                      .activation(Activation.TANH)
                      .build()))
          .layer(
              new OutputLayer.Builder(LossFunction.MCXENT)
                  .nOut(data.classes())
                  .activation(Activation.SOFTMAX)
                  .build())
          .setInputType(InputType.recurrent(data.width(), data.height()));
    } else {
      boolean small = data.height() < 16;
      list.layer(
              new ConvolutionLayer.Builder(3, 3)
                  .nOut(small ? 8 : 16)
                  .activation(Activation.TANH)
                  .build())
          .layer(
              new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                  .kernelSize(2, 2)
                  .stride(2, 2)
                  .build())
          .layer(
              new ConvolutionLayer.Builder(small ? 2 : 3, small ? 2 : 3)
                  .nOut(small ? 16 : 32)
                  .activation(Activation.TANH)
                  .build())
          .layer(new DenseLayer.Builder().nOut(32).activation(Activation.TANH).build())
          .layer(
              new OutputLayer.Builder(LossFunction.MCXENT)
                  .nOut(data.classes())
                  .activation(Activation.SOFTMAX)
                  .build())
          .setInputType(InputType.convolutionalFlat(data.height(), data.width(), 1));
    }
    MultiLayerConfiguration conf = list.build();
    MultiLayerNetwork network = new MultiLayerNetwork(conf);
    network.init();
    SplittableRandom random = new SplittableRandom(seed);
    for (int l = 0; l < network.getnLayers(); l++) {
      boolean lstm =
          network.getLayerWiseConfigurations().getConf(l).getLayer() instanceof LastTimeStep w
              && w.getUnderlying() instanceof org.deeplearning4j.nn.conf.layers.LSTM;
      initialise(network.getLayer(l), lstm, random);
    }
    return network;
  }

  /** The {@link #RESNET} graph; parameters as {@link #build(TrainingData, long)} draws them. */
  private static ComputationGraph buildGraph(TrainingData data, long seed, IUpdater updater) {
    boolean small = data.height() < 16;
    int channels = small ? 8 : 16;
    ComputationGraph graph =
        new ComputationGraph(
            new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT)
                .updater(updater)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutionalFlat(data.height(), data.width(), 1))
                .addLayer("conv0", conv(channels, Activation.TANH, ConvolutionMode.Truncate), "in")
                .addLayer("pool0", maxPool(), "conv0")
                .addLayer("conv1", conv(channels, Activation.TANH, ConvolutionMode.Same), "pool0")
                .addLayer(
                    "conv2", conv(channels, Activation.IDENTITY, ConvolutionMode.Same), "conv1")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "conv2", "pool0")
                .addLayer("pool1", maxPool(), "add")
                .addLayer(
                    "dense",
                    new DenseLayer.Builder().nOut(32).activation(Activation.TANH).build(),
                    "pool1")
                .addLayer(
                    "out",
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nOut(data.classes())
                        .activation(Activation.SOFTMAX)
                        .build(),
                    "dense")
                .setOutputs("out")
                .build());
    graph.init();
    SplittableRandom random = new SplittableRandom(seed);
    for (Layer layer : graph.getLayers()) {
      initialise(layer, false, random);
    }
    return graph;
  }

  private static ConvolutionLayer conv(int channels, Activation activation, ConvolutionMode mode) {
    return new ConvolutionLayer.Builder(3, 3)
        .nOut(channels)
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

  /**
   * Glorot-normal weights ({@code W}, {@code RW}) drawn from {@code random}; zero biases, or DL4J's
   * for an LSTM ({@code lstm}).
   */
  private static void initialise(Layer layer, boolean lstm, SplittableRandom random) {
    for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
      INDArray param = e.getValue();
      if (!e.getKey().equals("W") && !e.getKey().equals("RW")) {
        if (!lstm) {
          param.assign(0); // an LSTM bias keeps DL4J's: zero, 1 for the forget gate
        }
        continue;
      }
      long[] s = param.shape();
      double fanIn;
      double fanOut;
      if (s.length == 4) { // [out, in, kh, kw]
        fanIn = (double) s[1] * s[2] * s[3];
        fanOut = (double) s[0] * s[2] * s[3];
      } else { // [in, out]; an LSTM's W is [in, 4 units], RW [units, 4 units]
        fanIn = s[0];
        fanOut = s[1];
      }
      double std = Math.sqrt(2.0 / (fanIn + fanOut));
      float[] values = new float[(int) param.length()];
      for (int i = 0; i < values.length; i++) {
        double u = 1.0 - random.nextDouble();
        values[i] =
            (float)
                (std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
      }
      param.assign(Nd4j.createFromArray(values).reshape(param.ordering(), s));
    }
  }
}

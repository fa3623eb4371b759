package org.dp4j.dl4j.testing;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** Small seeded {@link ComputationGraph}s for tests. */
public final class TestGraphs {

  private TestGraphs() {}

  /** A FLOAT graph builder with a seed and SGD, input {@code "in"}. */
  public static ComputationGraphConfiguration.GraphBuilder builder(long seed) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .updater(new Sgd(0.1))
        .graphBuilder()
        .addInputs("in");
  }

  /** The initialised graph of {@code graph}, with seeded N(0, 0.5^2) parameters. */
  public static ComputationGraph build(
      ComputationGraphConfiguration.GraphBuilder graph, long seed) {
    ComputationGraph network = new ComputationGraph(graph.build());
    network.init();
    network.setParams(TestNetworks.gaussian(seed + 1, 1, (int) network.numParams(), 0.5));
    return network;
  }

  /** A dense layer {@code nIn -> nOut} with bias and {@code activation}. */
  public static DenseLayer dense(int nIn, int nOut, Activation activation) {
    return new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(activation).build();
  }

  /** A softmax output layer {@code nIn -> classes} with the multi-class cross entropy. */
  public static OutputLayer softmax(int nIn, int classes) {
    return new OutputLayer.Builder(LossFunction.MCXENT)
        .nIn(nIn)
        .nOut(classes)
        .activation(Activation.SOFTMAX)
        .build();
  }

  /**
   * A residual CNN on {@code side x side} single-channel images given as flat rows: {@code conv0}
   * (3x3, {@code channels}), {@code conv1} and {@code conv2} (3x3, Same mode), {@code add} = {@code
   * conv2 + conv0} (the skip), then a softmax output over {@code classes}.
   */
  public static ComputationGraph residualCnn(long seed, int side, int channels, int classes) {
    return residualCnn(seed, side, channels, classes, ElementWiseVertex.Op.Add);
  }

  /** As {@link #residualCnn(long, int, int, int)}, joining the branches by {@code op}. */
  public static ComputationGraph residualCnn(
      long seed, int side, int channels, int classes, ElementWiseVertex.Op op) {
    return build(
        builder(seed)
            .setInputTypes(InputType.convolutionalFlat(side, side, 1))
            .addLayer("conv0", conv(channels, Activation.TANH), "in")
            .addLayer("conv1", conv(channels, Activation.RELU), "conv0")
            .addLayer("conv2", conv(channels, Activation.IDENTITY), "conv1")
            .addVertex("add", new ElementWiseVertex(op), "conv2", "conv0")
            .addLayer(
                "out",
                new OutputLayer.Builder(LossFunction.MCXENT)
                    .nOut(classes)
                    .activation(Activation.SOFTMAX)
                    .build(),
                "add")
            .setOutputs("out"),
        seed);
  }

  /** A 3x3 convolution in Same mode with {@code channels} outputs. */
  public static ConvolutionLayer conv(int channels, Activation activation) {
    return new ConvolutionLayer.Builder(3, 3)
        .nOut(channels)
        .convolutionMode(ConvolutionMode.Same)
        .activation(activation)
        .build();
  }
}

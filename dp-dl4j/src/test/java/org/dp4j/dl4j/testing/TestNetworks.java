package org.dp4j.dl4j.testing;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** Small seeded networks and data for tests. */
public final class TestNetworks {

  private TestNetworks() {}

  /** What the output of a test network looks like. */
  public enum Head {
    SOFTMAX_MCXENT(Activation.SOFTMAX, LossFunction.MCXENT, true),
    SOFTMAX_NLL(Activation.SOFTMAX, LossFunction.NEGATIVELOGLIKELIHOOD, true),
    IDENTITY_MSE(Activation.IDENTITY, LossFunction.MSE, false),
    SIGMOID_XENT(Activation.SIGMOID, LossFunction.XENT, true),
    TANH_L1(Activation.TANH, LossFunction.L1, false),
    IDENTITY_HINGE(Activation.IDENTITY, LossFunction.SQUARED_HINGE, true);

    public final Activation activation;
    public final LossFunction loss;
    public final boolean classification;

    Head(Activation activation, LossFunction loss, boolean classification) {
      this.activation = activation;
      this.loss = loss;
      this.classification = classification;
    }
  }

  /**
   * A dense network {@code nIn -> hidden... -> nOut} with seeded parameters.
   *
   * @param lossLayer end in a dense layer plus a {@link LossLayer} instead of an OutputLayer
   */
  public static MultiLayerNetwork mlp(
      long seed,
      int nIn,
      int[] hidden,
      Activation hiddenActivation,
      Head head,
      int nOut,
      boolean bias,
      boolean lossLayer) {
    NeuralNetConfiguration.ListBuilder list =
        new NeuralNetConfiguration.Builder()
            .seed(seed)
            .dataType(DataType.FLOAT)
            .updater(new Sgd(0.1))
            .list();
    int in = nIn;
    int index = 0;
    for (int h : hidden) {
      list.layer(
          index++,
          new DenseLayer.Builder()
              .nIn(in)
              .nOut(h)
              .hasBias(bias)
              .activation(hiddenActivation)
              .build());
      in = h;
    }
    if (lossLayer) {
      list.layer(
          index++,
          new DenseLayer.Builder()
              .nIn(in)
              .nOut(nOut)
              .hasBias(bias)
              .activation(Activation.IDENTITY)
              .build());
      list.layer(index, new LossLayer.Builder(head.loss).activation(head.activation).build());
    } else {
      list.layer(
          index,
          new OutputLayer.Builder(head.loss)
              .nIn(in)
              .nOut(nOut)
              .hasBias(bias)
              .activation(head.activation)
              .build());
    }
    MultiLayerConfiguration conf = list.build();
    MultiLayerNetwork network = new MultiLayerNetwork(conf);
    network.init();
    randomizeParameters(network, seed + 1, 0.5);
    return network;
  }

  /** A FLOAT list builder with a seed and SGD (not used by DP-SGD, needed by DL4J). */
  public static NeuralNetConfiguration.ListBuilder builder(long seed) {
    return new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(DataType.FLOAT)
        .updater(new Sgd(0.1))
        .list();
  }

  /** The initialised network of {@code list}, with seeded N(0, 0.5^2) parameters. */
  public static MultiLayerNetwork build(NeuralNetConfiguration.ListBuilder list, long seed) {
    MultiLayerNetwork network = new MultiLayerNetwork(list.build());
    network.init();
    randomizeParameters(network, seed + 1, 0.5);
    return network;
  }

  /** Overwrites the parameters with seeded N(0, scale^2) values. */
  public static void randomizeParameters(MultiLayerNetwork network, long seed, double scale) {
    network.setParams(gaussian(seed, 1, (int) network.numParams(), scale));
  }

  /** A seeded {@code [rows, cols]} FLOAT matrix of N(0, scale^2) entries. */
  public static INDArray gaussian(long seed, int rows, int cols, double scale) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] values = new float[rows][cols];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double u = 1.0 - random.nextDouble();
        values[i][j] =
            (float)
                (scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
      }
    }
    return Nd4j.createFromArray(values);
  }

  /** Seeded labels for {@code head}: one-hot rows, or Gaussian targets for regression. */
  public static INDArray labels(long seed, int rows, int classes, Head head) {
    if (!head.classification) {
      return gaussian(seed, rows, classes, 1.0);
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[][] values = new float[rows][classes];
    for (int i = 0; i < rows; i++) {
      values[i][random.nextInt(classes)] = 1f;
    }
    return Nd4j.createFromArray(values);
  }

  /**
   * Asserts two clipped sums agree entry by entry within {@code relativeTolerance} of the largest
   * expected entry (entries near zero have no relative precision in float), with a floor of {@code
   * 1e-6 * clipNorm} for sums that are all but zero.
   */
  public static void assertSumsClose(
      INDArray expected, INDArray actual, double clipNorm, double relativeTolerance) {
    float[] e = expected.dup('c').data().asFloat();
    float[] a = actual.dup('c').data().asFloat();
    org.junit.jupiter.api.Assertions.assertEquals(e.length, a.length, "length");
    double scale = 0;
    for (float v : e) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int j = 0; j < e.length; j++) {
      org.junit.jupiter.api.Assertions.assertEquals(
          e[j], a[j], relativeTolerance * Math.max(scale, 1e-6 * clipNorm), "entry " + j);
    }
  }
}

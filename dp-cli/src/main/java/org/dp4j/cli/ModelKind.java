package org.dp4j.cli;

import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
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
  LSTM;

  /** Units of the {@link #LSTM} model's recurrent layer. */
  static final int LSTM_UNITS = 32;

  /**
   * {@code data} as this model reads it: the flattened images for {@link #MLP} and {@link #CNN},
   * the rows as time steps ({@link RowSequences}) for {@link #LSTM}.
   */
  TrainingData input(TrainingData data) {
    return this == LSTM ? RowSequences.of(data) : data;
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

  /** As {@link #build(TrainingData, long)} with DL4J's own updater (for non-private baselines). */
  MultiLayerNetwork build(TrainingData data, long seed, IUpdater updater) {
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
    initialise(network, seed);
    return network;
  }

  private static void initialise(MultiLayerNetwork network, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int l = 0; l < network.getnLayers(); l++) {
      boolean lstm =
          network.getLayerWiseConfigurations().getConf(l).getLayer() instanceof LastTimeStep w
              && w.getUnderlying() instanceof org.deeplearning4j.nn.conf.layers.LSTM;
      for (Map.Entry<String, INDArray> e : network.getLayer(l).paramTable().entrySet()) {
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
}

package org.dp4j.examples;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.dl4j.train.DpTrainer;
import org.dp4j.training.data.Digits;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Private training of a Deeplearning4j network with dp-dl4j: a small MLP on the embedded 8x8
 * digits, at epsilon 3 and delta 1e-5. {@link DpTrainer} samples Poisson batches from a secure
 * source, clips each example's gradient (ghost clipping for dense layers), adds secure Gaussian
 * noise, charges every step to the run's budget and applies the network's own updater.
 */
public final class PrivateDl4jTraining {

  private PrivateDl4jTraining() {}

  /**
   * Runs the example.
   *
   * @param args none
   */
  public static void main(String[] args) {
    Digits.Split data = Digits.split(0.8, 1);
    MultiLayerNetwork network =
        new MultiLayerNetwork(
            new NeuralNetConfiguration.Builder()
                .seed(7) // the initial weights are public, not private data
                .dataType(DataType.FLOAT)
                .updater(new Adam(0.01))
                .list()
                .layer(
                    new DenseLayer.Builder()
                        .nIn(Digits.FEATURES)
                        .nOut(64)
                        .activation(Activation.TANH)
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(64)
                        .nOut(Digits.CLASSES)
                        .activation(Activation.SOFTMAX)
                        .build())
                .build());
    network.init();

    DpTrainer trainer =
        DpTrainer.builder(network, data.train())
            .target(PrivacyBudget.approximate(3, 1e-5))
            .batchSize(64)
            .epochs(15)
            .build();
    long steps = trainer.train();

    System.out.printf(
        "%d private steps (%s gradients), test accuracy %.3f (chance 0.1)%n",
        steps, trainer.gradientMethod(), accuracy(network, data.test()));
    System.out.println(trainer.privacyStatement());
  }

  private static double accuracy(MultiLayerNetwork network, DataSet data) {
    INDArray predicted = network.output(data.getFeatures()).argMax(1);
    INDArray actual = data.getLabels().argMax(1);
    return predicted.eq(actual).castTo(DataType.DOUBLE).meanNumber().doubleValue();
  }
}

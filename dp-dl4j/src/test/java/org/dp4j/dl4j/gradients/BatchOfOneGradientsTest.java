package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The batch-of-one loop gives exact per-example gradients: for every layer type its rows add up to
 * DL4J's batch gradient (a sum over the batch), and it leaves the parameters unchanged.
 */
class BatchOfOneGradientsTest {

  enum Kind {
    MLP,
    CNN,
    EMBEDDING
  }

  static MultiLayerNetwork network(Kind kind, long seed) {
    if (kind == Kind.MLP) {
      return TestNetworks.mlp(
          seed, 6, new int[] {5}, Activation.TANH, Head.SOFTMAX_MCXENT, 3, true, false);
    }
    NeuralNetConfiguration.ListBuilder list =
        new NeuralNetConfiguration.Builder()
            .seed(seed)
            .dataType(DataType.FLOAT)
            .updater(new Sgd(0.1))
            .list();
    if (kind == Kind.CNN) {
      list.layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build())
          .layer(
              new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                  .kernelSize(2, 2)
                  .stride(2, 2)
                  .build())
          .layer(new DenseLayer.Builder().nOut(6).activation(Activation.TANH).build())
          .layer(
              new OutputLayer.Builder(LossFunction.MCXENT)
                  .nOut(3)
                  .activation(Activation.SOFTMAX)
                  .build())
          .setInputType(InputType.convolutionalFlat(8, 8, 1));
    } else {
      list.layer(
              new EmbeddingLayer.Builder().nIn(10).nOut(4).activation(Activation.IDENTITY).build())
          .layer(
              new OutputLayer.Builder(LossFunction.MCXENT)
                  .nIn(4)
                  .nOut(3)
                  .activation(Activation.SOFTMAX)
                  .build());
    }
    MultiLayerConfiguration conf = list.build();
    MultiLayerNetwork network = new MultiLayerNetwork(conf);
    network.init();
    TestNetworks.randomizeParameters(network, seed + 1, 0.5);
    return network;
  }

  static INDArray features(Kind kind, long seed, int batch) {
    if (kind == Kind.EMBEDDING) {
      SplittableRandom random = new SplittableRandom(seed);
      float[][] ids = new float[batch][1];
      for (int i = 0; i < batch; i++) {
        ids[i][0] = random.nextInt(10);
      }
      return Nd4j.createFromArray(ids);
    }
    return TestNetworks.gaussian(seed, batch, kind == Kind.CNN ? 64 : 6, 1.0);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void rowsAddUpToTheBatchGradient(Kind kind) {
    int batch = 9;
    MultiLayerNetwork network = network(kind, 50 + kind.ordinal());
    INDArray x = features(kind, 60 + kind.ordinal(), batch);
    INDArray y = TestNetworks.labels(70 + kind.ordinal(), batch, 3, Head.SOFTMAX_MCXENT);
    INDArray before = network.params().dup();
    INDArray rows = BatchOfOneGradients.perExampleGradients(network, x, y);
    assertEquals(before, network.params(), "parameters unchanged");
    assertEquals(batch, rows.size(0));
    assertEquals(network.numParams(), rows.size(1));

    network.setInput(x);
    network.setLabels(y);
    network.computeGradientAndScore();
    float[] batchGradient = network.gradient().gradient().dup().data().asFloat();
    float[] sum = rows.sum(0).data().asFloat();
    double scale = 0;
    for (float v : batchGradient) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertTrue(scale > 0);
    for (int j = 0; j < sum.length; j++) {
      assertEquals(batchGradient[j], sum[j], 1e-4 * scale, "parameter " + j);
    }
  }

  @Test
  void autoFallsBackForLayersGhostClippingDoesNotSupport() {
    for (Kind kind : Kind.values()) {
      MultiLayerNetwork network = network(kind, 80);
      NetworkGradients clipping = NetworkGradients.forNetwork(network, GradientMethod.AUTO);
      assertEquals(
          kind == Kind.CNN ? GradientMethod.LAYERWISE : GradientMethod.GHOST,
          clipping.method(),
          kind.name());
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NetworkGradients.forNetwork(network(Kind.CNN, 81), GradientMethod.GHOST));
    assertTrue(e.getMessage().contains("ConvolutionLayer"), e.getMessage());
  }

  @Test
  void mismatchedBatchSizesAreRejected() {
    MultiLayerNetwork network = network(Kind.MLP, 90);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BatchOfOneGradients.perExampleGradients(
                    network,
                    features(Kind.MLP, 91, 4),
                    TestNetworks.labels(92, 3, 3, Head.SOFTMAX_MCXENT)));
    assertEquals("labels.size(0) must be equal to features.size(0) 4, got 3", e.getMessage());
  }
}

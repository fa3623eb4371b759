package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the engine itself refuses: a network that ends without a loss, is not initialised, or gets a
 * sequence mask it cannot read; and masks whose rows are not the batch's.
 */
class MultiLayerClippingTest {

  @Test
  void aNetworkWithoutALossIsRefused() {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(6200)
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).build())
                .layer(new DenseLayer.Builder().nIn(3).nOut(2).build()),
            6200);
    assertEquals(
        "layer 1 (DenseLayer) is the last layer but computes no loss; end the network "
            + "with an OutputLayer or a LossLayer",
        MultiLayerClipping.unsupportedReason(network, GradientMethod.GHOST).orElseThrow());
    assertEquals(
        GradientMethod.BATCH_OF_ONE,
        NetworkGradients.forNetwork(network, GradientMethod.AUTO).method());
  }

  @Test
  void aNetworkThatIsNotInitialisedIsRefused() {
    MultiLayerNetwork network =
        new MultiLayerNetwork(
            TestNetworks.builder(6300)
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).build())
                .build());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NetworkGradients.forNetwork(network, GradientMethod.GHOST));
    assertEquals(
        "network must be initialised (init()), got a network without layers", e.getMessage());
  }

  @Test
  void aMaskForANetworkThatReadsNoSequencesIsRefusedNamingTheLayer() {
    MultiLayerNetwork network =
        TestNetworks.mlp(
            6400, 4, new int[] {3}, Activation.TANH, Head.SOFTMAX_MCXENT, 2, true, false);
    INDArray x = TestNetworks.gaussian(6401, 5, 4, 1.0);
    INDArray y = TestNetworks.labels(6402, 5, 2, Head.SOFTMAX_MCXENT);
    NetworkGradients gradients = NetworkGradients.forNetwork(network, GradientMethod.GHOST);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> gradients.gradients(x, y, Nd4j.ones(DataType.FLOAT, 5, 3), null));
    assertEquals(
        "featuresMask must reach only layers that read sequences, but layer 0 (DenseLayer) takes"
            + " no sequence mask (it does not read sequences), got a mask of shape [5, 3]",
        e.getMessage());
  }

  @Test
  void masksMustHaveOneRowPerExample() {
    MultiLayerNetwork network =
        TestNetworks.mlp(
            6500, 4, new int[] {3}, Activation.TANH, Head.SOFTMAX_MCXENT, 2, true, false);
    INDArray x = TestNetworks.gaussian(6501, 5, 4, 1.0);
    INDArray y = TestNetworks.labels(6502, 5, 2, Head.SOFTMAX_MCXENT);
    for (GradientMethod method :
        new GradientMethod[] {GradientMethod.GHOST, GradientMethod.BATCH_OF_ONE}) {
      NetworkGradients gradients = NetworkGradients.forNetwork(network, method);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> gradients.gradients(x, y, null, Nd4j.ones(DataType.FLOAT, 4, 1)));
      assertEquals(
          "labelsMask.shape() must be [5, ...] (one row per example), got [4, 1]", e.getMessage());
    }
  }
}

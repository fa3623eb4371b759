package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.junit.jupiter.api.Test;

/** What the engine itself refuses: a network that ends without a loss, or is not initialised. */
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
}

package org.dp4j.dl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CenterLossOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.gradients.NetworkGradients;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.dp4j.dl4j.validation.LayerValidator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Layers that mix the examples of a batch are refused with one message (the layer, the rule, the
 * replacement) by the validator, by {@link NetworkGradients#forNetwork} for every method, and by
 * the trainer's builder.
 */
class MixingLayersRefusedTest {

  enum Mixing {
    BATCH_NORMALIZATION(
        new BatchNormalization.Builder().nIn(4).nOut(4).build(),
        dense(4, 3),
        "layer 1 (BatchNormalization) must not mix the examples of a batch, got batch "
            + "normalization (batch statistics); remove it or use "
            + "DenseLayer.Builder.hasLayerNorm(true), a per-example normalization"),
    CENTER_LOSS(
        dense(4, 4),
        new CenterLossOutputLayer.Builder(LossFunction.MCXENT)
            .nIn(4)
            .nOut(3)
            .activation(Activation.SOFTMAX)
            .build(),
        "layer 2 (CenterLossOutputLayer) must not mix the examples of a batch, got class centres "
            + "updated from the batch; use OutputLayer");

    final Layer middle;
    final Layer last;
    final String message;

    Mixing(Layer middle, Layer last, String message) {
      this.middle = middle;
      this.last = last;
      this.message = message;
    }
  }

  @ParameterizedTest
  @EnumSource(Mixing.class)
  void theSameMessageComesFromTheValidatorTheGradientsAndTheTrainer(Mixing mixing) {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(7900)
                .layer(dense(5, 4))
                .layer(mixing.middle)
                .layer(
                    mixing.last instanceof DenseLayer
                        ? new OutputLayer.Builder(LossFunction.MCXENT)
                            .nIn(4)
                            .nOut(3)
                            .activation(Activation.SOFTMAX)
                            .build()
                        : mixing.last),
            7900);
    assertEquals(
        mixing.message,
        assertThrows(IllegalArgumentException.class, () -> LayerValidator.validate(network))
            .getMessage());
    for (GradientMethod method : GradientMethod.values()) {
      assertEquals(
          mixing.message,
          assertThrows(
                  IllegalArgumentException.class,
                  () -> NetworkGradients.forNetwork(network, method))
              .getMessage(),
          method.name());
    }
    DataSet data =
        new DataSet(
            TestNetworks.gaussian(7901, 20, 5, 1.0),
            TestNetworks.labels(7902, 20, 3, Head.SOFTMAX_MCXENT));
    DpTrainer.Builder builder =
        DpTrainer.builder(network, data)
            .noiseMultiplier(1.0)
            .targetDelta(1e-5)
            .batchSize(5)
            .steps(1);
    assertEquals(
        mixing.message, assertThrows(IllegalArgumentException.class, builder::build).getMessage());
  }

  private static DenseLayer dense(int in, int out) {
    return new DenseLayer.Builder().nIn(in).nOut(out).activation(Activation.TANH).build();
  }
}

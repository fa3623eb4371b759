package org.dp4j.dl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Private fine-tuning: a {@link DpTrainer} run leaves the frozen layers' parameters bit-identical
 * (the noise and the updater touch them, {@link FrozenParameters} writes them back) while the
 * trained layers move.
 */
class FrozenParametersTest {

  @ParameterizedTest
  @EnumSource(
      value = GradientMethod.class,
      names = {"AUTO", "BATCH_OF_ONE"})
  void aPrivateRunLeavesFrozenParametersBitIdentical(GradientMethod method) {
    MultiLayerNetwork network = pretrained(7800);
    int frozenLength = (int) (network.getLayer(0).numParams() + network.getLayer(1).numParams());
    float[] before = network.params().dup().toFloatVector();
    DataSet data =
        new DataSet(
            TestNetworks.gaussian(7801, 120, 5, 1.0),
            TestNetworks.labels(7802, 120, 3, Head.SOFTMAX_MCXENT));
    DpTrainer trainer =
        DpTrainer.builder(network, data)
            .clipNorm(1.0)
            .noiseMultiplier(1.0)
            .targetDelta(1e-5)
            .batchSize(30)
            .steps(5)
            .updater(new Adam(0.05))
            .gradientMethod(method)
            .noise(GaussianTensorNoise.seededNotPrivate(7803))
            .batchSamplingRandomNotPrivate(new SplittableRandom(7804))
            .build();
    assertEquals(5, trainer.train());
    float[] after = network.params().toFloatVector();
    float[] frozenBefore = java.util.Arrays.copyOf(before, frozenLength);
    float[] frozenAfter = java.util.Arrays.copyOf(after, frozenLength);
    assertArrayEquals(frozenBefore, frozenAfter, "frozen parameters, bit for bit");
    for (int j = frozenLength; j < before.length; j++) {
      assertTrue(before[j] != after[j], "trained parameter " + j + " moved");
    }
  }

  @Test
  void frozenBlocksAreFoundAndRestoredWhenTheStepThrows() {
    MultiLayerNetwork network = pretrained(7810);
    INDArray params = network.params();
    FrozenParameters frozen = FrozenParameters.of(network.getLayers(), params);
    assertEquals(network.getLayer(0).numParams() + network.getLayer(1).numParams(), frozen.count());
    float[] before = params.dup().toFloatVector();
    assertThrows(
        IllegalStateException.class,
        () ->
            frozen.keep(
                params,
                () -> {
                  params.addi(1.0);
                  throw new IllegalStateException("diverged");
                }));
    float[] after = params.toFloatVector();
    for (int j = 0; j < before.length; j++) {
      float expected = j < frozen.count() ? before[j] : before[j] + 1f;
      assertEquals(expected, after[j], "parameter " + j);
    }
  }

  /** Two frozen dense layers (a FrozenLayer under a FrozenLayerWithBackprop) and a trained head. */
  private static MultiLayerNetwork pretrained(long seed) {
    return TestNetworks.build(
        TestNetworks.builder(seed)
            .layer(new FrozenLayer(dense(5, 6)))
            .layer(new FrozenLayerWithBackprop(dense(6, 5)))
            .layer(dense(5, 4))
            .layer(
                new OutputLayer.Builder(LossFunction.MCXENT)
                    .nIn(4)
                    .nOut(3)
                    .activation(Activation.SOFTMAX)
                    .build()),
        seed);
  }

  private static DenseLayer dense(int in, int out) {
    return new DenseLayer.Builder().nIn(in).nOut(out).activation(Activation.TANH).build();
  }
}

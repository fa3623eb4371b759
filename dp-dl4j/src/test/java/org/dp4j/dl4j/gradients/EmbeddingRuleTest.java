package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** {@link EmbeddingRule} against the batch-of-one loop: the embedding's norms, bias or not. */
class EmbeddingRuleTest {

  private static final int VOCABULARY = 9;

  @ParameterizedTest(name = "bias {0}")
  @ValueSource(booleans = {true, false})
  void embeddingLayersEqualTheBatchOfOneLoop(boolean bias) {
    long seed = bias ? 5500 : 5501;
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(
                    new EmbeddingLayer.Builder()
                        .nIn(VOCABULARY)
                        .nOut(4)
                        .hasBias(bias)
                        .activation(Activation.TANH)
                        .build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(4)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build()),
            seed);
    SplittableRandom random = new SplittableRandom(seed + 2);
    float[][] ids = new float[8][1];
    for (float[] id : ids) {
      id[0] = random.nextInt(VOCABULARY);
    }
    INDArray x = Nd4j.createFromArray(ids);
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        x,
        TestNetworks.labels(seed + 3, 8, 3, Head.SOFTMAX_MCXENT),
        0);
  }

  @Test
  void anEmbeddingAfterAnotherLayerIsRefused() {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(5502)
                .layer(new DenseLayer.Builder().nIn(3).nOut(1).build())
                .layer(new EmbeddingLayer.Builder().nIn(VOCABULARY).nOut(4).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(2).build()),
            5502);
    String reason =
        MultiLayerClipping.unsupportedReason(network, GradientMethod.LAYERWISE).orElseThrow();
    assertTrue(reason.startsWith("layer 1 (EmbeddingLayer) is not a "), reason);
  }
}

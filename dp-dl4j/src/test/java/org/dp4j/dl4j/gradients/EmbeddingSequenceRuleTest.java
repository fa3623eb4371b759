package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link EmbeddingSequenceRule} against the batch-of-one loop: a small vocabulary, so that indices
 * repeat within a sequence (the index-equality terms of the norm), with and without bias and masks.
 */
class EmbeddingSequenceRuleTest {

  private static final int VOCABULARY = 4;
  private static final int STEPS = 6;
  private static final int[] LENGTHS = {6, 1, 4, 6, 2, 3, 5};

  private static MultiLayerNetwork embeddingThenOutput(long seed, boolean bias) {
    return TestNetworks.build(
        TestNetworks.builder(seed)
            .layer(
                new EmbeddingSequenceLayer.Builder()
                    .nIn(VOCABULARY)
                    .nOut(5)
                    .hasBias(bias)
                    .activation(Activation.TANH)
                    .build())
            .layer(
                new RnnOutputLayer.Builder(LossFunction.MCXENT)
                    .dataFormat(RNNFormat.NCW)
                    .nIn(5)
                    .nOut(3)
                    .activation(Activation.SOFTMAX)
                    .build()),
        seed);
  }

  @ParameterizedTest(name = "bias {0}, masked {1}, rank-3 indices {2}")
  @CsvSource({
    "true, false, false",
    "false, false, false",
    "true, true, false",
    "false, true, true"
  })
  void embeddingThenRnnOutputEqualsTheBatchOfOneLoop(boolean bias, boolean masked, boolean rank3) {
    long seed = 7500 + (bias ? 1 : 0) + (masked ? 2 : 0) + (rank3 ? 4 : 0);
    MultiLayerNetwork network = embeddingThenOutput(seed, bias);
    int size = LENGTHS.length;
    INDArray x = SequenceChecks.indices(seed + 10, size, STEPS, VOCABULARY);
    if (rank3) {
      x = x.reshape('c', size, 1, STEPS);
    }
    INDArray y = SequenceChecks.stepLabels(seed + 11, size, 3, STEPS);
    INDArray mask = masked ? SequenceChecks.lengths(STEPS, LENGTHS) : null;
    SequenceChecks.assertRulesEqualBatchOfOne(
        network, GradientMethod.GHOST, new Batch(x, y, mask, mask), 0, 1);
  }

  @ParameterizedTest(name = "{0}, masked {1}")
  @CsvSource({
    "AVG, true",
    "AVG, false",
    "MAX, true",
    "MAX, false",
    "SUM, true",
    "PNORM, true",
    "PNORM, false"
  })
  void embeddingThenGlobalPoolingEqualsTheBatchOfOneLoop(PoolingType pooling, boolean masked) {
    long seed = 7600 + pooling.ordinal() * 2L + (masked ? 1 : 0);
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(
                    new EmbeddingSequenceLayer.Builder()
                        .nIn(VOCABULARY)
                        .nOut(5)
                        .activation(Activation.TANH)
                        .build())
                .layer(new GlobalPoolingLayer.Builder(pooling).pnorm(3).build())
                .layer(
                    new OutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(5)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build()),
            seed);
    int size = LENGTHS.length;
    INDArray mask = masked ? SequenceChecks.lengths(STEPS, LENGTHS) : null;
    SequenceChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        new Batch(
            SequenceChecks.indices(seed + 10, size, STEPS, VOCABULARY),
            TestNetworks.labels(seed + 11, size, 3, Head.SOFTMAX_MCXENT),
            mask,
            null),
        0,
        1,
        2);
  }

  @Test
  void indicesOutsideTheVocabularyAreRefused() {
    MultiLayerNetwork network = embeddingThenOutput(7700, true);
    INDArray x = SequenceChecks.indices(7701, 3, STEPS, VOCABULARY);
    x.putScalar(1, 2, VOCABULARY);
    INDArray y = SequenceChecks.stepLabels(7702, 3, 3, STEPS);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> NetworkGradients.forNetwork(network, GradientMethod.GHOST).gradients(x, y));
    assertEquals("features[1, 2] must be an integer index in [0, 4), got 4.0", e.getMessage());
  }

  @Test
  void anEmbeddingSequenceAfterAnotherLayerOrWithNwcOutputIsRefused() {
    MultiLayerNetwork after =
        TestNetworks.build(
            TestNetworks.builder(7800)
                .layer(new Convolution1DLayer.Builder().nIn(1).nOut(1).kernelSize(1).build())
                .layer(new EmbeddingSequenceLayer.Builder().nIn(VOCABULARY).nOut(4).build())
                .layer(
                    new RnnOutputLayer.Builder(LossFunction.MSE)
                        .dataFormat(RNNFormat.NCW)
                        .activation(Activation.IDENTITY)
                        .nIn(4)
                        .nOut(2)
                        .build()),
            7800);
    String reason = MultiLayerClipping.unsupportedReason(after, GradientMethod.GHOST).orElseThrow();
    assertTrue(reason.startsWith("layer 1 (EmbeddingSequenceLayer) is not a "), reason);
    MultiLayerNetwork nwc =
        TestNetworks.build(
            TestNetworks.builder(7801)
                .layer(
                    new EmbeddingSequenceLayer.Builder()
                        .nIn(VOCABULARY)
                        .nOut(4)
                        .outputDataFormat(RNNFormat.NWC)
                        .build())
                .layer(new GlobalPoolingLayer.Builder(PoolingType.AVG).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(2).build()),
            7801);
    assertEquals(
        "layer 0 (EmbeddingSequenceLayer) uses output format NWC; only NCW is supported",
        MultiLayerClipping.unsupportedReason(nwc, GradientMethod.GHOST).orElseThrow());
    assertTrue(NetworkGradients.forNetwork(nwc, GradientMethod.AUTO) instanceof BatchOfOneClipping);
  }
}

package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * {@link RnnOutputRule}, {@link RnnLossRule} and a DenseLayer per time step (between DL4J's
 * recurrent preprocessors) against the batch-of-one loop, with and without bias and masks.
 */
class RnnOutputRuleTest {

  private static final int STEPS = 5;
  private static final int[] LENGTHS = {5, 1, 3, 4, 2, 5};

  /** Which masks a batch carries. */
  enum Masks {
    NONE,
    FEATURES_AND_LABELS,
    LABELS,
    FEATURES
  }

  private static Batch batch(long seed, int nIn, int nOut, Masks masks) {
    int size = LENGTHS.length;
    INDArray x = SequenceChecks.sequences(seed, size, nIn, STEPS);
    INDArray y = SequenceChecks.stepLabels(seed + 1, size, nOut, STEPS);
    INDArray mask = SequenceChecks.lengths(STEPS, LENGTHS);
    return switch (masks) {
      case NONE -> new Batch(x, y, null, null);
      case FEATURES_AND_LABELS -> new Batch(x, y, mask, mask.dup());
      case LABELS -> new Batch(x, y, null, mask);
      case FEATURES -> new Batch(x, y, mask, null);
    };
  }

  private static MultiLayerNetwork denseThenOutput(long seed, boolean bias) {
    return TestNetworks.build(
        TestNetworks.builder(seed)
            .layer(
                new DenseLayer.Builder()
                    .nIn(4)
                    .nOut(6)
                    .hasBias(bias)
                    .activation(Activation.TANH)
                    .build())
            .layer(
                new RnnOutputLayer.Builder(LossFunction.MCXENT)
                    .nIn(6)
                    .nOut(3)
                    .hasBias(bias)
                    .activation(Activation.SOFTMAX)
                    .build())
            .setInputType(InputType.recurrent(4)),
        seed);
  }

  @ParameterizedTest(name = "bias {0}, masks {1}")
  @CsvSource({
    "true, NONE",
    "false, NONE",
    "true, FEATURES_AND_LABELS",
    "false, FEATURES_AND_LABELS",
    "true, LABELS",
    "true, FEATURES"
  })
  void denseThenRnnOutputEqualsTheBatchOfOneLoop(boolean bias, Masks masks) {
    long seed = 7000 + masks.ordinal() * 2L + (bias ? 1 : 0);
    MultiLayerNetwork network = denseThenOutput(seed, bias);
    assertEquals(
        4, MultiLayerClipping.of(network, GradientMethod.GHOST).ruleNames().size(), "rules");
    SequenceChecks.assertRulesEqualBatchOfOne(
        network, GradientMethod.GHOST, batch(seed + 10, 4, 3, masks), 0, 1);
  }

  @ParameterizedTest(name = "bias {0}, masks {1}")
  @CsvSource({"true, FEATURES_AND_LABELS", "false, NONE", "true, LABELS"})
  void aFirstRnnOutputLayerWithMseEqualsTheBatchOfOneLoop(boolean bias, Masks masks) {
    long seed = 7100 + masks.ordinal() * 2L + (bias ? 1 : 0);
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(
                    new RnnOutputLayer.Builder(LossFunction.MSE)
                        .nIn(4)
                        .nOut(2)
                        .hasBias(bias)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.recurrent(4)),
            seed);
    Batch b = batch(seed + 10, 4, 2, masks);
    Batch gaussianLabels =
        new Batch(
            b.features(),
            SequenceChecks.sequences(seed + 20, LENGTHS.length, 2, STEPS),
            b.featuresMask(),
            b.labelsMask());
    SequenceChecks.assertRulesEqualBatchOfOne(network, GradientMethod.GHOST, gaussianLabels, 0);
  }

  @Test
  void perOutputLabelsMasksEqualTheBatchOfOneLoop() {
    long seed = 7200;
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).build())
                .layer(
                    new RnnOutputLayer.Builder(LossFunction.MSE)
                        .nIn(5)
                        .nOut(3)
                        .activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.recurrent(4)),
            seed);
    int size = LENGTHS.length;
    INDArray perOutput = SequenceChecks.sequences(seed + 30, size, 3, STEPS).gt(-0.5);
    SequenceChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        new Batch(
            SequenceChecks.sequences(seed + 10, size, 4, STEPS),
            SequenceChecks.sequences(seed + 20, size, 3, STEPS),
            null,
            perOutput.castTo(DataType.FLOAT)),
        0,
        1);
  }

  @ParameterizedTest(name = "masks {0}")
  @CsvSource({"NONE", "FEATURES", "FEATURES_AND_LABELS", "LABELS"})
  void rnnLossLayerEqualsTheBatchOfOneLoop(Masks masks) {
    long seed = 7300 + masks.ordinal();
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(seed)
                .layer(
                    new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.IDENTITY).build())
                .layer(
                    new RnnLossLayer.Builder(LossFunction.MCXENT)
                        .activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.recurrent(4)),
            seed);
    SequenceChecks.assertRulesEqualBatchOfOne(
        network, GradientMethod.GHOST, batch(seed + 10, 4, 3, masks), 0, 1);
  }

  @Test
  void nwcIsRefusedAndAutoFallsBackToTheBatchOfOneLoop() {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(7400)
                .layer(
                    new RnnOutputLayer.Builder(LossFunction.MSE)
                        .nIn(4)
                        .nOut(2)
                        .dataFormat(RNNFormat.NWC)
                        .activation(Activation.IDENTITY)
                        .build()),
            7400);
    assertEquals(
        "layer 0 (RnnOutputLayer) uses data format NWC; only NCW is supported",
        MultiLayerClipping.unsupportedReason(network, GradientMethod.GHOST).orElseThrow());
    assertTrue(
        NetworkGradients.forNetwork(network, GradientMethod.AUTO) instanceof BatchOfOneClipping);
  }
}

package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** {@link OutputRule} against the batch-of-one loop: the output layer's norms, every head. */
class OutputRuleTest {

  /** Every head but the hinge loss, whose examples inside the margin have zero gradients. */
  static Stream<Arguments> heads() {
    List<Arguments> cases = new ArrayList<>();
    for (Head head : Head.values()) {
      if (head != Head.IDENTITY_HINGE) {
        cases.add(Arguments.of(head, true));
        cases.add(Arguments.of(head, false));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}, bias {1}")
  @MethodSource("heads")
  void outputLayersEqualTheBatchOfOneLoop(Head head, boolean bias) {
    assertHeadEqualsBatchOfOne(5200, head, bias, false, 1);
  }

  /**
   * A tanh layer of 6 and the head on 3 outputs, as an OutputLayer or as a dense layer and a
   * LossLayer, checked at {@code layers}.
   */
  static void assertHeadEqualsBatchOfOne(
      long seedBase, Head head, boolean bias, boolean lossLayer, int... layers) {
    long seed = seedBase + head.ordinal() * 2L + (bias ? 1 : 0);
    MultiLayerNetwork network =
        TestNetworks.mlp(seed, 5, new int[] {6}, Activation.TANH, head, 3, bias, lossLayer);
    RuleChecks.assertRulesEqualBatchOfOne(
        network,
        GradientMethod.GHOST,
        TestNetworks.gaussian(seed + 2, 7, 5, 1.0),
        TestNetworks.labels(seed + 3, 7, 3, head),
        layers);
  }

  @Test
  void anOutputLayerBeforeTheLastIsRefusedWithTheTypesThatHaveRules() {
    MultiLayerNetwork network =
        TestNetworks.build(
            TestNetworks.builder(5300)
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(5).nOut(4).build())
                .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(2).build()),
            5300);
    String reason =
        MultiLayerClipping.unsupportedReason(network, GradientMethod.GHOST).orElseThrow();
    // The message lists every rule type with its position; the list grows with the rules.
    assertTrue(
        reason.startsWith("layer 0 (OutputLayer) is not a ConvolutionLayer, a SubsamplingLayer"),
        reason);
    assertTrue(reason.contains(", a final OutputLayer, "), reason);
    assertTrue(reason.endsWith(LayerRules.TYPES.get(LayerRules.TYPES.size() - 1).description()));
  }
}

package org.dp4j.dl4j.gradients;

import org.dp4j.dl4j.testing.TestNetworks.Head;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LossRule} against the batch-of-one loop: a LossLayer adds nothing to the norms, and the
 * dense layer below it (with and without bias) gets its gradient through it, for every head.
 */
class LossRuleTest {

  @ParameterizedTest(name = "{0}, bias {1}")
  @MethodSource("org.dp4j.dl4j.gradients.OutputRuleTest#heads")
  void lossLayersEqualTheBatchOfOneLoop(Head head, boolean bias) {
    OutputRuleTest.assertHeadEqualsBatchOfOne(5400, head, bias, true, 1, 2);
  }
}

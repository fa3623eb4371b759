package org.dp4j.bench.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.gradients.NetworkGradients;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every benchmarked layer case is a valid DL4J network that reads its batch, and its layer has a
 * fast rule: {@code GradientMethod.AUTO} does not fall back to the batch-of-one loop.
 */
class LayerCasesTest {

  @ParameterizedTest
  @EnumSource(LayerCases.class)
  void eachCaseTrainsOnItsBatchWithAFastRule(LayerCases layer) {
    MultiLayerNetwork network = layer.network();
    INDArray[] batch = layer.batch(3);
    assertEquals(LayerCases.BATCH, batch[0].size(0));
    network.setInput(batch[0]);
    network.setLabels(batch[1]);
    network.computeGradientAndScore();
    assertTrue(Double.isFinite(network.score()), "score " + network.score());
    assertNotEquals(
        GradientMethod.BATCH_OF_ONE,
        NetworkGradients.forNetwork(network, GradientMethod.AUTO).method(),
        layer + " falls back to the batch-of-one loop");
  }
}

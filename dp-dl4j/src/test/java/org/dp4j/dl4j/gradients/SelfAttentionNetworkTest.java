package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.testing.TestNetworks;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.dp4j.training.clipping.PerExampleGradients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * Networks with a {@link org.deeplearning4j.nn.conf.layers.SelfAttentionLayer} against the
 * batch-of-one loop: per-example norms, clipped sums (clip norms below, inside and above the norms)
 * and the plain gradient sum, with and without features masks (lengths 6, 1, 4, 2, 5, 3), one and
 * several heads, a layer with parameters below the attention (its input gradient checked), a pooled
 * head and a per-time-step head.
 *
 * <p>The reference is DL4J's gradient with the blocks of each {@code SameDiffLayer} and of every
 * layer below it halved once per {@code SameDiffLayer} at or above them: DL4J 1.0.0-M2.1's {@code
 * SameDiffLayer} backward pass returns twice the gradient ({@link AttentionRuleTest} shows it
 * against finite differences); the rules compute the gradient of the loss.
 */
class SelfAttentionNetworkTest {

  private static final int STEPS = 6;
  private static final int[] LENGTHS = {6, 1, 4, 2, 5, 3};
  private static final int CLASSES = 3;

  /** What sits below and above the attention layer. */
  enum Shape {
    /** Features {@code [B, 4, T]}, attention, average pooling, softmax output. */
    POOLED,
    /** Indices {@code [B, 1, T]}, embedding sequence to 4, attention, max pooling, softmax. */
    EMBEDDED,
    /** Features, attention, softmax output per time step (labels masked like the features). */
    PER_STEP
  }

  @ParameterizedTest(name = "{0}, heads {1}, project {2}, masked {3}")
  @CsvSource({
    "POOLED, 1, true, false",
    "POOLED, 2, true, true",
    "POOLED, 1, false, true",
    "EMBEDDED, 2, true, false",
    "EMBEDDED, 3, true, true",
    "EMBEDDED, 1, false, true",
    "PER_STEP, 2, true, false",
    "PER_STEP, 2, true, true"
  })
  void networksEqualTheCorrectedBatchOfOneLoop(
      Shape shape, int heads, boolean project, boolean masked) {
    long seed = 8500 + shape.ordinal() * 100L + heads * 10L + (project ? 2 : 0) + (masked ? 1 : 0);
    MultiLayerNetwork network = network(shape, seed, heads, project);
    int batch = LENGTHS.length;
    INDArray x =
        shape == Shape.EMBEDDED
            ? indices(seed + 2, batch)
            : TestNetworks.gaussian(seed + 2, batch, 4 * STEPS, 1.0).reshape('c', batch, 4, STEPS);
    INDArray y = labels(seed + 3, batch, shape == Shape.PER_STEP);
    INDArray mask = masked ? AttentionRuleTest.lengthsMask(batch, STEPS, LENGTHS) : null;
    INDArray labelsMask = shape == Shape.PER_STEP ? mask : null;
    Batch data = new Batch(x, y, mask, labelsMask);

    INDArray exact =
        corrected(network, BatchOfOneGradients.perExampleGradients(network, data, null));
    assertEquals(
        GradientMethod.GHOST,
        NetworkGradients.forNetwork(network, GradientMethod.AUTO).method(),
        "AUTO takes the fast rules");
    MultiLayerClipping clipping = MultiLayerClipping.of(network, GradientMethod.LAYERWISE);
    double[] norms = clipping.perExampleNorms(x, y, mask, labelsMask);
    double[] exactNorms = new double[batch];
    for (int i = 0; i < batch; i++) {
      INDArray row = exact.getRow(i).castTo(DataType.DOUBLE);
      exactNorms[i] = Math.sqrt(row.mul(row).sumNumber().doubleValue());
      assertTrue(exactNorms[i] > 0, "example " + i + " has a zero gradient");
      assertEquals(
          exactNorms[i],
          norms[i],
          RuleChecks.RELATIVE_TOLERANCE * exactNorms[i],
          "norm of example " + i);
    }
    double[] sorted = exactNorms.clone();
    Arrays.sort(sorted);
    double median = Math.sqrt(sorted[batch / 2 - 1] * sorted[batch / 2]); // between two norms
    for (double clipNorm : new double[] {sorted[0] / 3, median, sorted[batch - 1] * 2}) {
      ClippedSum expected =
          FlatClipper.of(clipNorm).clipAndSum(PerExampleGradients.ofMatrix(exact));
      ClippedSum actual =
          FlatClipper.of(clipNorm).clipAndSum(clipping.gradients(x, y, mask, labelsMask));
      TestNetworks.assertSumsClose(
          expected.sum(), actual.sum(), clipNorm, RuleChecks.RELATIVE_TOLERANCE);
      assertEquals(expected.clippedCount(), actual.clippedCount(), "clipped");
    }

    // The plain gradient sum against DL4J's own batch gradient, corrected the same way.
    network.setInput(x);
    network.setLabels(y);
    network.setLayerMaskArrays(mask, labelsMask);
    network.computeGradientAndScore();
    INDArray dl4j = corrected(network, network.gradient().gradient().dup().reshape(1, -1));
    network.clearLayerMaskArrays();
    MultiLayerClipping.GradientSum plain = clipping.gradientSum(data);
    TestNetworks.assertSumsClose(dl4j, plain.sum(), 1.0, RuleChecks.RELATIVE_TOLERANCE);
  }

  /**
   * An example with a NaN feature has a NaN norm and, skipped, adds nothing: the clipped sum equals
   * that of the batch without it, and the other examples' norms are unchanged (nothing mixes
   * examples, the attention's softmax and batched products included).
   */
  @Test
  void aNonFiniteExampleIsSkippedAndTouchesNoOther() {
    MultiLayerNetwork network = network(Shape.POOLED, 8600, 2, true);
    int batch = LENGTHS.length;
    INDArray x = TestNetworks.gaussian(8601, batch, 4 * STEPS, 1.0).reshape('c', batch, 4, STEPS);
    INDArray y = labels(8602, batch, false);
    INDArray mask = AttentionRuleTest.lengthsMask(batch, STEPS, LENGTHS);
    MultiLayerClipping clipping = MultiLayerClipping.of(network, GradientMethod.GHOST);
    double[] clean = clipping.perExampleNorms(x, y, mask, null);
    INDArray poisoned = x.dup();
    poisoned.putScalar(new long[] {2, 1, 0}, Double.NaN);
    double[] norms = clipping.perExampleNorms(poisoned, y, mask, null);
    for (int i = 0; i < batch; i++) {
      if (i == 2) {
        assertTrue(Double.isNaN(norms[i]), "the poisoned example's norm is NaN");
      } else {
        assertEquals(clean[i], norms[i], 1e-12 * clean[i], "example " + i + " is untouched");
      }
    }
    double clipNorm = 0.5;
    ClippedSum skipped =
        FlatClipper.of(clipNorm, NonFiniteGradientPolicy.SKIP_EXAMPLE)
            .clipAndSum(clipping.gradients(poisoned, y, mask, null));
    int[] others = {0, 1, 3, 4, 5};
    ClippedSum without =
        FlatClipper.of(clipNorm)
            .clipAndSum(
                clipping.gradients(
                    examples(x, others), examples(y, others), examples(mask, others), null));
    TestNetworks.assertSumsClose(
        without.sum(), skipped.sum(), clipNorm, RuleChecks.RELATIVE_TOLERANCE);
  }

  /**
   * DL4J's gradients {@code [rows, P]} with layer {@code j}'s block divided by {@code 2^k}, {@code
   * k} the number of {@code SameDiffLayer}s at index {@code j} or above.
   */
  static INDArray corrected(MultiLayerNetwork network, INDArray gradients) {
    INDArray out = gradients.castTo(DataType.FLOAT).dup();
    int layers = network.getnLayers();
    for (int j = 0; j < layers; j++) {
      int sameDiffAbove = 0;
      for (int k = j; k < layers; k++) {
        if (network.getLayer(k).conf().getLayer() instanceof AbstractSameDiffLayer) {
          sameDiffAbove++;
        }
      }
      long length = network.getLayer(j).numParams();
      if (length == 0 || sameDiffAbove == 0) {
        continue;
      }
      long start = network.getLayer(j).params().offset() - network.params().offset();
      out.get(NDArrayIndex.all(), NDArrayIndex.interval(start, start + length))
          .divi(Math.pow(AttentionRuleTest.DL4J_SAMEDIFF_FACTOR, sameDiffAbove));
    }
    return out;
  }

  private static MultiLayerNetwork network(Shape shape, long seed, int heads, boolean project) {
    int width = project ? 2 * heads : 4;
    NeuralNetConfiguration.ListBuilder list = TestNetworks.builder(seed);
    if (shape == Shape.EMBEDDED) {
      list.layer(
          new EmbeddingSequenceLayer.Builder()
              .nIn(7)
              .nOut(4)
              .inputLength(STEPS)
              .activation(Activation.TANH)
              .build());
    }
    list.layer(AttentionRuleTest.attention(4, width, heads, project ? 2 : 0, project));
    if (shape == Shape.PER_STEP) {
      list.layer(
          new RnnOutputLayer.Builder(LossFunction.MCXENT)
              .activation(Activation.SOFTMAX)
              .nIn(width)
              .nOut(CLASSES)
              .build());
    } else {
      list.layer(
          new GlobalPoolingLayer.Builder(
                  shape == Shape.EMBEDDED ? PoolingType.MAX : PoolingType.AVG)
              .build());
      list.layer(
          new OutputLayer.Builder(LossFunction.MCXENT)
              .activation(Activation.SOFTMAX)
              .nIn(width)
              .nOut(CLASSES)
              .build());
    }
    if (shape != Shape.EMBEDDED) { // DL4J adds a preprocessor between pooling and output
      list.setInputType(InputType.recurrent(4, STEPS));
    }
    return TestNetworks.build(list, seed);
  }

  /** The examples {@code which} of {@code array}, in that order. */
  private static INDArray examples(INDArray array, int[] which) {
    INDArray[] rows = new INDArray[which.length];
    for (int k = 0; k < which.length; k++) {
      rows[k] = BatchOfOneGradients.row(array, which[k]);
    }
    return Nd4j.concat(0, rows);
  }

  private static INDArray indices(long seed, int batch) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][][] values = new float[batch][1][STEPS];
    for (float[][] example : values) {
      for (int t = 0; t < STEPS; t++) {
        example[0][t] = random.nextInt(7);
      }
    }
    return Nd4j.createFromArray(values);
  }

  private static INDArray labels(long seed, int batch, boolean perStep) {
    SplittableRandom random = new SplittableRandom(seed);
    int steps = perStep ? STEPS : 1;
    float[][][] values = new float[batch][CLASSES][steps];
    for (float[][] example : values) {
      for (int t = 0; t < steps; t++) {
        example[random.nextInt(CLASSES)][t] = 1f;
      }
    }
    INDArray y = Nd4j.createFromArray(values);
    return perStep ? y : y.reshape(batch, CLASSES);
  }
}

package org.dp4j.training.clipping;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.dp4j.training.noise.GaussianTensorNoise;
import org.dp4j.training.testing.TestGradients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One clipping vocabulary: gradients that a clipper knows only by their squared norms and weighted
 * sums (as ghost clipping gives them) are clipped exactly as the same gradients held in memory; the
 * clipped sum is a named, checked value; adaptive clipping is a clipper that hands over to the next
 * one.
 */
class ClippableGradientsTest {

  /** The gradients of a matrix, seen only through the interface (the generic path). */
  private static ClippableGradients byNorms(INDArray matrix) {
    PerExampleGradients inMemory = PerExampleGradients.ofMatrix(matrix);
    return new ClippableGradients() {
      @Override
      public int batchSize() {
        return inMemory.batchSize();
      }

      @Override
      public long parameterCount() {
        return inMemory.parameterCount();
      }

      @Override
      public double[] squaredNorms() {
        return inMemory.squaredNorms();
      }

      @Override
      public long squaredNormRoundingTerms() {
        return inMemory.squaredNormRoundingTerms();
      }

      @Override
      public INDArray weightedSum(float[] factors) {
        return inMemory.weightedSum(factors);
      }

      @Override
      public OptionalDouble meanLoss() {
        return OptionalDouble.of(0.5);
      }
    };
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void gradientsKnownByTheirNormsClipAsTheKernelDoes(long seed) {
    float[][] rows = TestGradients.rows(seed, 17, 5000, 1.0); // crosses a 4096-float tile
    rows[3][7] = Float.NaN;
    INDArray matrix = TestGradients.matrix(rows);
    FlatClipper clipper = FlatClipper.of(1.0);
    ClippedSum kernel = clipper.clipAndSum(PerExampleGradients.ofMatrix(matrix));
    ClippedSum generic = clipper.clipAndSum(byNorms(matrix));
    assertArrayEquals(TestGradients.values(kernel.sum()), TestGradients.values(generic.sum()));
    assertEquals(kernel.clippedCount(), generic.clippedCount());
    assertEquals(kernel.withinNormCount(), generic.withinNormCount());
    assertEquals(1, generic.nonFiniteCount());
    assertEquals(17, generic.batchSize());
    assertEquals(1.0, generic.l2Sensitivity());
  }

  @Test
  void perLayerClippingNeedsTheBlocksInMemory() {
    INDArray matrix = TestGradients.matrix(TestGradients.rows(1, 3, 4, 1.0));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> PerLayerClipper.of(1.0).clipAndSum(byNorms(matrix)));
    assertTrue(e.getMessage().startsWith("gradients must be PerExampleGradients"), e.getMessage());
  }

  @Test
  void theClippedSumsCountsAreNamedAndMustAddUp() {
    INDArray sum = Nd4j.create(DataType.FLOAT, 1, 3);
    ClippedSum s =
        ClippedSum.builder()
            .sum(sum)
            .l2Sensitivity(2.0)
            .batchSize(5)
            .clippedCount(1)
            .withinNormCount(3)
            .nonFiniteCount(1)
            .build();
    assertEquals(1, s.clippedCount());
    assertEquals(3, s.withinNormCount());
    assertEquals(
        "clippedCount + withinNormCount + nonFiniteCount must be equal to batchSize 5, " + "got 4",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    ClippedSum.builder()
                        .sum(sum)
                        .l2Sensitivity(2.0)
                        .batchSize(5)
                        .clippedCount(1)
                        .withinNormCount(3)
                        .build())
            .getMessage());
    assertEquals(
        "l2Sensitivity must be set, got nothing",
        assertThrows(IllegalArgumentException.class, () -> ClippedSum.builder().sum(sum).build())
            .getMessage());
    assertEquals(
        "sum must be set, got nothing",
        assertThrows(
                IllegalArgumentException.class, () -> ClippedSum.builder().l2Sensitivity(1).build())
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> ClippedSum.builder().sum(Nd4j.create(DataType.FLOAT, 2, 3)).l2Sensitivity(1).build());
    assertThrows(IllegalArgumentException.class, () -> ClippedSum.builder().clippedCount(-1));
  }

  @Test
  void sumsOfTheSameSensitivityAddAsOneBatch() {
    ClippedSum a =
        FlatClipper.of(1.0)
            .clipAndSum(
                PerExampleGradients.ofMatrix(
                    Nd4j.createFromArray(new float[][] {{3f, 4f}, {0.5f, 0f}})));
    ClippedSum b =
        FlatClipper.of(1.0)
            .clipAndSum(
                PerExampleGradients.ofMatrix(Nd4j.createFromArray(new float[][] {{0f, 0.25f}})));
    ClippedSum both = a.plus(b);
    assertEquals(3, both.batchSize());
    assertEquals(1, both.clippedCount());
    assertEquals(2, both.withinNormCount());
    float[] expected = TestGradients.values(a.sum().add(b.sum()));
    assertArrayEquals(expected, TestGradients.values(both.sum()));
    ClippedSum other =
        FlatClipper.of(2.0)
            .clipAndSum(PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 1, 2)));
    assertThrows(IllegalArgumentException.class, () -> a.plus(other));
  }

  @Test
  void anAdaptiveClipperHandsOverToTheNextAndResumesAtACheckpointedNorm() {
    AdaptiveClipping settings =
        AdaptiveClipping.builder()
            .initialClipNorm(2.0)
            .countNoiseStd(1e-9)
            .build(); // count noise negligible: the update is deterministic
    AdaptiveClipper first = settings.clipper(NonFiniteGradientPolicy.SKIP_EXAMPLE);
    assertEquals(2.0, first.l2Sensitivity());
    // Every example within the norm: the fraction is 1, above the target 0.5, so the norm falls.
    ClippedSum clipped =
        first.clipAndSum(PerExampleGradients.ofMatrix(Nd4j.create(DataType.FLOAT, 4, 3)));
    AdaptiveClipper next = first.next(clipped, GaussianTensorNoise.seededNotPrivate(1), 4);
    assertEquals(settings.nextClipNorm(2.0, 2.0, 4), next.clipNorm(), 1e-8);
    assertEquals(2.0, first.clipNorm(), "a clipper never changes; the next one takes over");
    assertEquals(0.7, first.resumedAt(0.7).clipNorm());
    FlatClipper fixed = FlatClipper.of(1.0);
    assertEquals(fixed, fixed.next(clipped, GaussianTensorNoise.seededNotPrivate(1), 4));
    assertEquals(
        "checkpoint.clipNorm must be equal to the config's 1.0, got 0.7",
        assertThrows(IllegalArgumentException.class, () -> fixed.resumedAt(0.7)).getMessage());
  }
}

package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.FlatClipper;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.dp4j.training.clipping.PerExampleGradients;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ClipFactors} decides "within the norm" as dp-training's {@link FlatClipper} does: on the
 * computed norm inflated by its floating-point error bound, not on the raw norm.
 */
class ClipFactorsTest {

  private static final NonFiniteGradientPolicy SKIP = NonFiniteGradientPolicy.SKIP_EXAMPLE;

  @Test
  void aRawNormJustBelowTheClipNormIsClippedWhenItsErrorBoundReachesAbove() {
    double clipNorm = 1.0;
    double squared = 1.0 - 0x1p-47; // raw norm 1 - 2^-48
    long terms = 1000; // error bound about 2 * 1002 * 2^-53 = 2^-42 relative on the square
    assertTrue(Math.sqrt(squared) < clipNorm, "the raw norm is within the clip norm");
    ClipFactors clip = ClipFactors.of(new double[] {squared, 0.25}, clipNorm, SKIP, terms);
    assertEquals(1, clip.clipped());
    assertEquals(1, clip.within());
    float factor = clip.factors()[0];
    assertTrue(factor < 1f, "factor " + factor);
    // The clipped contribution stays inside the ball, by the 2^-20 slack at least.
    assertTrue(factor * Math.sqrt(squared) <= clipNorm * (1 - 0x1p-21), "factor " + factor);
    assertEquals(1f, clip.factors()[1]);
    // With few rounding terms the same norm is within: the bound, not the raw norm, decides.
    assertEquals(1f, ClipFactors.of(new double[] {1.0 - 0x1p-40}, clipNorm, SKIP, 2).factors()[0]);
  }

  @Test
  void theDecisionAndTheFactorMatchFlatClipper() {
    int n = 1000;
    float value = 0.75f;
    INDArray row = Nd4j.zeros(DataType.FLOAT, 1, n);
    row.putScalar(0, 0, value); // squared norm value^2, exact in double
    // Between the raw norm and its error bound for n + 1 terms (FlatClipper's count for one block).
    double clipNorm = value + 10 * Math.ulp((double) value);
    ClippedSum flat = FlatClipper.of(clipNorm).clipAndSum(PerExampleGradients.ofMatrix(row));
    ClipFactors ghost =
        ClipFactors.of(new double[] {(double) value * value}, clipNorm, SKIP, n + 1);
    assertEquals(1, flat.clippedCount());
    assertEquals(1, ghost.clipped());
    assertEquals(flat.sum().getFloat(0, 0), ghost.factors()[0] * value);
    assertTrue(ghost.factors()[0] * (double) value < clipNorm);
  }

  @Test
  void nonFiniteNormsFollowThePolicy() {
    double[] squared = {Double.NaN, Double.POSITIVE_INFINITY, 4.0};
    ClipFactors clip = ClipFactors.of(squared, 1.0, SKIP, 10);
    assertEquals(2, clip.nonFinite());
    assertEquals(0f, clip.factors()[0]);
    assertEquals(0f, clip.factors()[1]);
    assertEquals(1, clip.clipped());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClipFactors.of(squared, 1.0, NonFiniteGradientPolicy.REJECT_BATCH, 10));
    assertTrue(e.getMessage().contains("example 0"), e.getMessage());
  }
}

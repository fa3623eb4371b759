package org.dp4j.training.clipping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link FlatFactors}, the one rule of every flat clipper: the error bound of the computed norm,
 * not the raw norm, decides "within the norm", for the kernel and for gradients known only by their
 * norms alike.
 */
class FlatFactorsTest {

  private static final NonFiniteGradientPolicy SKIP = NonFiniteGradientPolicy.SKIP_EXAMPLE;

  @Test
  void aRawNormJustBelowTheClipNormIsClippedWhenItsErrorBoundReachesAbove() {
    double clipNorm = 1.0;
    double squared = 1.0 - 0x1p-47; // raw norm 1 - 2^-48
    long terms = 1000; // error bound about 2 * 1002 * 2^-53 = 2^-42 relative on the square
    assertTrue(Math.sqrt(squared) < clipNorm, "the raw norm is within the clip norm");
    FlatFactors clip = FlatFactors.of(new double[] {squared, 0.25}, terms, clipNorm, SKIP);
    assertEquals(1, clip.clipped());
    assertEquals(1, clip.within());
    float factor = clip.factors()[0];
    assertTrue(factor < 1f, "factor " + factor);
    // The clipped contribution stays inside the ball, by the 2^-20 slack at least.
    assertTrue(factor * Math.sqrt(squared) <= clipNorm * (1 - 0x1p-21), "factor " + factor);
    assertEquals(1f, clip.factors()[1]);
    // With few rounding terms the same norm is within: the bound, not the raw norm, decides.
    assertEquals(1f, FlatFactors.of(new double[] {1.0 - 0x1p-40}, 2, clipNorm, SKIP).factors()[0]);
  }

  @Test
  void theKernelAndGradientsKnownByTheirNormsDecideAlike() {
    int n = 1000;
    float value = 0.75f;
    INDArray row = Nd4j.zeros(DataType.FLOAT, 1, n);
    row.putScalar(0, 0, value); // squared norm value^2, exact in double
    // Between the raw norm and its error bound for n + 1 terms (the kernel's count for one block).
    double clipNorm = value + 10 * Math.ulp((double) value);
    ClippedSum kernel = FlatClipper.of(clipNorm).clipAndSum(PerExampleGradients.ofMatrix(row));
    FlatFactors byNorm =
        FlatFactors.of(new double[] {(double) value * value}, n + 1, clipNorm, SKIP);
    assertEquals(1, kernel.clippedCount());
    assertEquals(1, byNorm.clipped());
    assertEquals(kernel.sum().getFloat(0, 0), byNorm.factors()[0] * value);
    assertTrue(byNorm.factors()[0] * (double) value < clipNorm);
  }

  @Test
  void nonFiniteNormsFollowThePolicy() {
    double[] squared = {Double.NaN, Double.POSITIVE_INFINITY, 4.0};
    FlatFactors clip = FlatFactors.of(squared, 10, 1.0, SKIP);
    assertEquals(2, clip.nonFinite());
    assertEquals(0f, clip.factors()[0]);
    assertEquals(0f, clip.factors()[1]);
    assertEquals(1, clip.clipped());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FlatFactors.of(squared, 10, 1.0, NonFiniteGradientPolicy.REJECT_BATCH));
    assertEquals(
        "gradients must be finite (REJECT_BATCH), got a non-finite gradient norm NaN "
            + "for example 0",
        e.getMessage());
  }
}

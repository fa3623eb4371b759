package org.dp4j.dl4j.gradients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dp4j.dl4j.testing.TestNetworks;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link TanhKernel} against {@code Math.tanh}: its documented error bound on a dense sample of
 * floats, its special values, and its derivative; and against DL4J's own tanh.
 */
class TanhKernelTest {

  /**
   * Every 251st float from 1e-30 to 20 (about 3.5 million values; tanh is odd and the kernel is
   * symmetric, checked separately) is within {@link TanhKernel#MAX_ERROR} of {@code Math.tanh},
   * absolute and relative.
   */
  @Test
  void tanhIsWithinTheDocumentedErrorOfMathTanh() {
    double worst = 0;
    for (int bits = Float.floatToIntBits(1e-30f); ; bits += 251) {
      float x = Float.intBitsToFloat(bits);
      if (x > 20f) {
        break;
      }
      double exact = Math.tanh(x);
      double error = Math.abs(TanhKernel.tanh(x) - exact);
      worst = Math.max(worst, error / exact);
      assertTrue(
          error <= TanhKernel.MAX_ERROR * exact,
          "tanh(" + x + ") = " + TanhKernel.tanh(x) + ", exact " + exact);
      assertEquals(-TanhKernel.tanh(x), TanhKernel.tanh(-x), "odd at " + x);
    }
    assertTrue(worst > TanhKernel.MAX_ERROR / 2, "the bound is tight: worst " + worst);
  }

  @Test
  void specialValues() {
    assertTrue(Float.isNaN(TanhKernel.tanh(Float.NaN)));
    assertEquals(1.0, TanhKernel.tanh(Float.POSITIVE_INFINITY), TanhKernel.MAX_ERROR);
    assertEquals(-1.0, TanhKernel.tanh(Float.NEGATIVE_INFINITY), TanhKernel.MAX_ERROR);
    assertEquals(1.0, TanhKernel.tanh(Float.MAX_VALUE), TanhKernel.MAX_ERROR);
    assertEquals(0f, TanhKernel.tanh(0f));
    assertEquals(Float.MIN_VALUE, TanhKernel.tanh(Float.MIN_VALUE));
  }

  @Test
  void arraysMatchTheScalarKernelAndDl4jsTanh() {
    INDArray z = TestNetworks.gaussian(7, 33, 517, 3.0);
    INDArray y = TanhKernel.apply(z);
    INDArray dl4j = new ActivationTanH().getActivation(z.dup(), true);
    float[] zs = z.data().asFloat();
    float[] ys = y.data().asFloat();
    float[] ds = dl4j.data().asFloat();
    for (int i = 0; i < zs.length; i++) {
      assertEquals(TanhKernel.tanh(zs[i]), ys[i], "entry " + i);
      // DL4J's float tanh is itself rounded: one float ulp of 1 on top of the kernel's bound.
      assertEquals(ds[i], ys[i], TanhKernel.MAX_ERROR + Math.ulp(1f), "entry " + i);
    }
  }

  @Test
  void backwardIsTheGradientTimesOneMinusTheOutputSquared() {
    INDArray y = TanhKernel.apply(TestNetworks.gaussian(8, 5, 9, 1.0));
    INDArray g = TestNetworks.gaussian(9, 5, 9, 1.0);
    INDArray expected = g.mul(y.mul(y).rsub(1));
    INDArray actual = TanhKernel.backward(y, g.dup());
    assertEquals(expected, actual);
    assertFalse(TanhKernel.handles(new ActivationReLU()));
    assertTrue(TanhKernel.handles(new ActivationTanH()));
    assertFalse(TanhKernel.handles(null));
  }
}

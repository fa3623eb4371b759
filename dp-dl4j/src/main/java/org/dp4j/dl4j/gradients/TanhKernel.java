package org.dp4j.dl4j.gradients;

import java.nio.FloatBuffer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * tanh and its derivative on float arrays, for DL4J's {@link ActivationTanH} (the activation of the
 * {@code dp4j train} models). ND4J's own tanh costs about 7 ns per float on one core (19 ms for the
 * 2.8 million outputs of the CNN's first convolution at batch 256); this loop is vectorised by the
 * JIT and costs about 0.5 ns.
 *
 * <p>tanh is Eigen's rational minimax approximation {@code x p(x^2) / q(x^2)} (degrees 13 and 6) on
 * {@code x} clamped to {@code [-7.90531, 7.90531]} ({@code generic_fast_tanh_float} in Eigen 3.3,
 * {@code Eigen/src/Core/MathFunctionsImpl.h}), evaluated as {@code x (p / q)} so that subnormal
 * inputs keep their value. Against {@code Math.tanh} on every float in {@code [1e-30, 20]} (an
 * exhaustive scan; {@code TanhKernelTest} repeats it on every 251st float) its error is at most
 * 3.97e-7 absolute and relative (7 units in the last place, at {@code x = 5.857}), below {@link
 * #MAX_ERROR}; it is odd, so the same holds for negative {@code x}; NaN gives NaN and {@code
 * +-infinity} gives {@code +-1} within the bound. The derivative is {@code 1 - y^2} from the output
 * {@code y}, as in DL4J's backward pass.
 */
final class TanhKernel {

  /** A bound on the approximation's absolute and relative error against tanh. */
  static final double MAX_ERROR = 4.0e-7;

  private static final float CLAMP = 7.90531110763549805f;
  private static final int CHUNK = 8192;

  private TanhKernel() {}

  /** Whether {@code activation} is DL4J's tanh (exactly; a subclass may compute otherwise). */
  static boolean handles(IActivation activation) {
    return activation != null && activation.getClass() == ActivationTanH.class;
  }

  /** tanh of one float. */
  static float tanh(float value) {
    float x = Math.max(-CLAMP, Math.min(value, CLAMP));
    float x2 = x * x;
    float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
    p = x2 * p + -8.60467152213735e-11f;
    p = x2 * p + 5.12229709037114e-08f;
    p = x2 * p + 1.48572235717979e-05f;
    p = x2 * p + 6.37261928875436e-04f;
    p = x2 * p + 4.89352455891786e-03f;
    float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
    q = x2 * q + 2.26843463243900e-03f;
    q = x2 * q + 4.89352518554385e-03f;
    return x * (p / q);
  }

  /** {@code values[from, to) = tanh(values[from, to))}. */
  static void tanhInPlace(float[] values, int from, int to) {
    for (int i = from; i < to; i++) {
      float x = Math.max(-CLAMP, Math.min(values[i], CLAMP));
      float x2 = x * x;
      float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
      p = x2 * p + -8.60467152213735e-11f;
      p = x2 * p + 5.12229709037114e-08f;
      p = x2 * p + 1.48572235717979e-05f;
      p = x2 * p + 6.37261928875436e-04f;
      p = x2 * p + 4.89352455891786e-03f;
      float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
      q = x2 * q + 2.26843463243900e-03f;
      q = x2 * q + 4.89352518554385e-03f;
      values[i] = x * (p / q);
    }
  }

  /** {@code gradient[i] *= 1 - output[i]^2} over {@code [from, to)}. */
  static void backwardInPlace(float[] output, float[] gradient, int from, int to) {
    for (int i = from; i < to; i++) {
      float y = output[i];
      gradient[i] *= 1f - y * y;
    }
  }

  /** A new dense array {@code tanh(z)}, same shape; {@code z} is not modified. */
  static INDArray apply(INDArray z) {
    INDArray in = HostFloats.dense(z);
    INDArray out = HostFloats.uninitialized(in.shape());
    int inBase = HostFloats.offset(in);
    int outBase = HostFloats.offset(out);
    int length = Math.toIntExact(in.length());
    ExampleRanges.forEach(
        (length + CHUNK - 1) / CHUNK,
        (from, to) -> {
          FloatBuffer src = HostFloats.buffer(in);
          FloatBuffer dst = HostFloats.buffer(out);
          float[] chunk = new float[Math.min(CHUNK, length)];
          for (int k = from; k < to; k++) {
            int start = k * CHUNK;
            int n = Math.min(CHUNK, length - start);
            src.get(inBase + start, chunk, 0, n);
            tanhInPlace(chunk, 0, n);
            dst.put(outBase + start, chunk, 0, n);
          }
        });
    return out;
  }

  /**
   * The pre-activation gradient {@code gradient * (1 - output^2)}, written into {@code gradient}
   * when it is dense (else into a dense copy), and returned.
   */
  static INDArray backward(INDArray output, INDArray gradient) {
    INDArray y = HostFloats.dense(output);
    INDArray g = HostFloats.dense(gradient);
    int yo = HostFloats.offset(y);
    int go = HostFloats.offset(g);
    int length = Math.toIntExact(g.length());
    ExampleRanges.forEach(
        (length + CHUNK - 1) / CHUNK,
        (from, to) -> {
          FloatBuffer yb = HostFloats.buffer(y);
          FloatBuffer gb = HostFloats.buffer(g);
          float[] ys = new float[Math.min(CHUNK, length)];
          float[] gs = new float[ys.length];
          for (int k = from; k < to; k++) {
            int start = k * CHUNK;
            int n = Math.min(CHUNK, length - start);
            yb.get(yo + start, ys, 0, n);
            gb.get(go + start, gs, 0, n);
            backwardInPlace(ys, gs, 0, n);
            gb.put(go + start, gs, 0, n);
          }
        });
    return g;
  }
}

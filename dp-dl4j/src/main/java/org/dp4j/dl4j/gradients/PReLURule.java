package org.dp4j.dl4j.gradients;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.activations.impl.ActivationPReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link PReLULayer} {@code y = x} for {@code x >= 0}, {@code alpha x} for {@code x < 0} (He et al.
 * 2015, "Delving deep into rectifiers", eq. 1), with the learned slopes {@code alpha} of the
 * layer's {@code inputShape}, shared along its {@code sharedAxes} (size 1 there): dense {@code [B,
 * n]}, sequence {@code [B, C, T]} and convolutional {@code [B, C, H, W]} inputs.
 *
 * <p>Example {@code i}'s slope gradient is {@code dL_i/dalpha = sum over shared positions of
 * min(x_i, 0) dL_i/dy_i} (He et al. 2015, eq. 4, per example): an array of {@code alpha}'s shape,
 * small, so it is formed per example ({@code [B, |alpha|]}), its squared norms summed row by row
 * and its clipped sum {@code sum_i c_i dL_i/dalpha} taken directly. The forward pass is DL4J's
 * ({@code ActivationPReLU}, the {@code prelu} op); the input gradient {@code dL/dx = dL/dy} for
 * {@code x >= 0}, {@code alpha dL/dy} for {@code x < 0} is computed here, since DL4J's {@code
 * prelu_bp} op refuses some shared shapes.
 */
record PReLURule(LayerSite site, PReLULayer config) implements LayerRule {

  static final Type TYPE = Type.of("a PReLULayer", PReLULayer.class, site -> true, PReLURule::new);

  @Override
  public boolean hasParameters() {
    return true;
  }

  /** Elementwise per time step too: a sequence mask passes through unchanged (as in DL4J). */
  @Override
  public Pass forward(INDArray input, INDArray mask) {
    return forward(input);
  }

  @Override
  public Pass forward(INDArray input) {
    INDArray alpha = site.layer().getParam("W");
    String name = site.first() ? "features.shape()" : "the input shape of " + site.label();
    long[] shape = input.shape();
    Checks.require(
        compatible(shape, alpha.shape()),
        name,
        "[B, " + Arrays.toString(alpha.shape()).substring(1) + " (size 1: any size)",
        Arrays.toString(shape));
    INDArray x = input.castTo(site.dataType());
    ActivationPReLU prelu = new ActivationPReLU(alpha, config.getSharedAxes());
    INDArray output = prelu.getActivation(x.dup('c'), true);
    return new PReLUPass(site, alpha, x, output);
  }

  /** Whether {@code alpha} fits each example of an input of shape {@code input}. */
  private static boolean compatible(long[] input, long[] alpha) {
    if (input.length != alpha.length + 1) {
      return false;
    }
    for (int d = 0; d < alpha.length; d++) {
      if (alpha[d] != 1 && alpha[d] != input[d + 1]) {
        return false;
      }
    }
    return true;
  }

  private static final class PReLUPass implements Pass {
    private final LayerSite site;
    private final INDArray alpha;
    private final INDArray input;
    private final INDArray output;
    private INDArray perExample; // [B, |alpha|], 'c' order of alpha's shape

    PReLUPass(LayerSite site, INDArray alpha, INDArray input, INDArray output) {
      this.site = site;
      this.alpha = alpha;
      this.input = input;
      this.output = output;
    }

    @Override
    public INDArray output() {
      return output;
    }

    @Override
    public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
      int batch = Math.toIntExact(input.size(0));
      long perExampleLength = input.length() / batch;
      INDArray x = input.dup('c').reshape('c', batch, perExampleLength);
      INDArray upstream = outputGradient.dup('c').reshape('c', batch, perExampleLength);
      // dL_i/dalpha = sum over shared positions of min(x_i, 0) dL_i/dy_i.
      INDArray g = Transforms.min(x, 0.0, true).muli(upstream).reshape('c', input.shape());
      List<Integer> shared = new ArrayList<>();
      for (int d = 1; d < input.rank(); d++) {
        if (alpha.size(d - 1) == 1 && input.size(d) != 1) {
          shared.add(d);
        }
      }
      if (!shared.isEmpty()) {
        g = g.sum(true, shared.stream().mapToInt(Integer::intValue).toArray());
      }
      perExample = g.dup('c').reshape('c', batch, alpha.length());
      if (!inputGradientNeeded) {
        return null;
      }
      // dL/dx = dL/dy where x >= 0, alpha dL/dy where x < 0. Computed here: DL4J's prelu_bp op
      // refuses some shared shapes (for example [B, 3, 4, 4] with alpha [3, 1, 1]).
      long[] exampleShape = input.shape().clone();
      exampleShape[0] = 1;
      long[] alphaShape = new long[input.rank()];
      alphaShape[0] = 1;
      System.arraycopy(alpha.shape(), 0, alphaShape, 1, alpha.rank());
      INDArray slopeMinusOne =
          alpha
              .castTo(x.dataType())
              .dup('c')
              .reshape('c', alphaShape)
              .broadcast(exampleShape)
              .dup('c')
              .reshape('c', 1, perExampleLength)
              .subi(1.0);
      INDArray factor = x.lt(0.0).castTo(x.dataType()).muliRowVector(slopeMinusOne).addi(1.0);
      return upstream.muli(factor).reshape('c', input.shape());
    }

    @Override
    public void addSquaredNorms(double[] squaredNorms) {
      double[] sq = RowNorms.squared(perExample);
      for (int i = 0; i < squaredNorms.length; i++) {
        squaredNorms[i] += sq[i];
      }
    }

    @Override
    public long addClippedSum(ClipFactors clip, INDArray sum) {
      clip.zeroSkippedRows(perExample);
      INDArray clipped =
          perExample
              .mulColumnVector(clip.column(perExample.dataType()))
              .sum(0)
              .castTo(DataType.FLOAT);
      return ParameterBlocks.write(
          sum, site.parameters(), alpha, clipped.reshape('c', alpha.shape()));
    }
  }
}

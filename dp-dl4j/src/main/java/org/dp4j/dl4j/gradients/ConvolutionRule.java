package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import java.util.Optional;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.util.ConvolutionUtils;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ConvolutionLayer} (2D, {@code NCHW}, dilation 1, {@link ConvolutionMode} Truncate, Same or
 * Strict, any kernel, stride and padding, with or without bias, any activation), with exact
 * per-example gradients formed in memory (Rochette, Manoel and Tramel 2019, "Efficient per-example
 * gradient computations in convolutional neural networks", section 3).
 *
 * <p>With {@code U_i} the example's unfolded input patches ({@code im2col}, {@code [T, K]}, {@code
 * T = outH * outW}, {@code K = inC * kH * kW}, computed as DL4J's own convolution does, Chellapilla
 * et al. 2006) and {@code Delta_i} its pre-activation output gradients ({@code [T, outC]}), the
 * weight gradient is {@code Delta_i^T U_i} ({@code [outC, K]}, the {@code 'c'} layout of {@code W}
 * {@code [outC, inC, kH, kW]}) and the bias gradient the column sums of {@code Delta_i}. The {@code
 * [B, outC, K]} per-example weight gradients are one batched matrix product, of the cost of the
 * non-private weight gradient; the clipped sum is {@code c^T G}.
 *
 * <p>(The ghost norm of Lee and Kifer 2021 / Bu et al. 2022, of cost {@code T^2 (K + outC)} per
 * example, pays off only when {@code T^2 < K outC}, which the supported small networks do not
 * reach; it is not used.) Subclasses (separable, depthwise, 1D, 3D, deconvolution) are other types
 * and have no rule.
 */
record ConvolutionRule(LayerSite site, ConvolutionLayer config) implements LayerRule {

  static final Type TYPE =
      Type.of("a ConvolutionLayer", ConvolutionLayer.class, site -> true, ConvolutionRule::new);

  @Override
  public Optional<String> unsupportedReason() {
    int[] dilation = config.getDilation();
    if (dilation != null && (dilation[0] != 1 || dilation[1] != 1)) {
      return Optional.of(
          "must have dilation 1, got "
              + Arrays.toString(dilation)
              + " (dilated convolutions are not supported; use BATCH_OF_ONE)");
    }
    ConvolutionMode mode = config.getConvolutionMode();
    if (mode != ConvolutionMode.Truncate
        && mode != ConvolutionMode.Same
        && mode != ConvolutionMode.Strict) {
      return Optional.of("must use ConvolutionMode Truncate, Same or Strict, got " + mode);
    }
    if (config.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
      return Optional.of("must use the NCHW data format, got " + config.getCnn2dDataFormat());
    }
    return Optional.empty();
  }

  @Override
  public boolean formsPerExampleGradients() {
    return true;
  }

  @Override
  public boolean hasParameters() {
    return true;
  }

  /**
   * The pre-activation output {@code z} ({@code [B, outC, outH, outW]}) from the unfolded input
   * {@code U} ({@code [B * outH * outW, inC * kH * kW]}, rows in {@code (b, oh, ow)} order, columns
   * in {@code (ic, kh, kw)} order) and one matrix product, then the activation.
   */
  @Override
  public Pass forward(INDArray input) {
    Checks.require(
        input.rank() == 4,
        "features.shape()",
        "a [B, C, H, W] input to "
            + site.label()
            + " (or flat rows with a FeedForwardToCnn preprocessor)",
        Arrays.toString(input.shape()));
    int[] kernel = config.getKernelSize();
    int[] strides = config.getStride();
    int[] dilation = {1, 1};
    ConvolutionMode mode = config.getConvolutionMode();
    INDArray weights = site.layer().getParam("W"); // [outC, inC, kH, kW]
    long batch = input.size(0);
    long inC = input.size(1);
    Checks.require(
        inC == weights.size(1),
        "input channels of " + config.getClass().getSimpleName(),
        "equal to nIn " + weights.size(1),
        inC);
    int[] outSize;
    int[] pad;
    if (mode == ConvolutionMode.Same) {
      outSize =
          ConvolutionUtils.getOutputSize(
              input, kernel, strides, null, mode, dilation, CNN2DFormat.NCHW);
      pad =
          ConvolutionUtils.getSameModeTopLeftPadding(
              outSize,
              new int[] {(int) input.size(2), (int) input.size(3)},
              kernel,
              strides,
              dilation);
    } else {
      pad = config.getPadding();
      outSize =
          ConvolutionUtils.getOutputSize(
              input, kernel, strides, pad, mode, dilation, CNN2DFormat.NCHW);
    }
    int outH = outSize[0];
    int outW = outSize[1];
    long outC = weights.size(0);
    int kH = kernel[0];
    int kW = kernel[1];
    INDArray col =
        Nd4j.createUninitialized(
            weights.dataType(), new long[] {batch, outH, outW, inC, kH, kW}, 'c');
    INDArray col2 = col.permute(0, 3, 4, 5, 1, 2);
    Convolution.im2col(
        input.castTo(weights.dataType()),
        kH,
        kW,
        strides[0],
        strides[1],
        pad[0],
        pad[1],
        dilation[0],
        dilation[1],
        mode == ConvolutionMode.Same,
        col2);
    INDArray columns = col.reshape('c', batch * outH * outW, inC * kH * kW);
    // W[o, ic, kh, kw] as [K, outC] with K in (ic, kh, kw) order.
    INDArray z = columns.mmul(weights.reshape('c', outC, inC * kH * kW).transpose());
    INDArray b = site.layer().getParam("b");
    if (config.hasBias() && b != null) {
      z.addiRowVector(b.reshape(1, outC));
    }
    INDArray preOutput = z.reshape('c', batch, outH, outW, outC).permute(0, 3, 1, 2);
    INDArray output = config.getActivationFn().getActivation(preOutput.dup(), true);
    return new ConvPass(
        weights, new Unfolded(columns, pad, input.shape(), outH, outW), preOutput, output);
  }

  /**
   * The unfolded input of a convolution and the geometry to fold an input gradient back.
   *
   * @param columns {@code U}, {@code [B * outH * outW, inC * kH * kW]}
   * @param pad the top and left padding
   * @param inputShape {@code [B, inC, H, W]}
   * @param outH the output height
   * @param outW the output width
   */
  private record Unfolded(INDArray columns, int[] pad, long[] inputShape, int outH, int outW) {}

  private final class ConvPass implements Pass {
    private final INDArray weights;
    private final Unfolded unfolded;
    private final INDArray preOutput;
    private final INDArray output;
    private INDArray weightGradients; // [B, outC * K]
    private INDArray biasGradients; // [B, outC] or null

    ConvPass(INDArray weights, Unfolded unfolded, INDArray preOutput, INDArray output) {
      this.weights = weights;
      this.unfolded = unfolded;
      this.preOutput = preOutput;
      this.output = output;
    }

    @Override
    public INDArray output() {
      return output;
    }

    /**
     * The per-example gradients {@code G_i = Delta_i^T U_i} by one batched product and {@code 1^T
     * Delta_i}; the input gradient is the transposed convolution {@code col2im(Delta W)} (the
     * adjoint of {@code im2col}, as in DL4J's own backward pass).
     */
    @Override
    public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
      INDArray delta =
          config.getActivationFn().backprop(preOutput.dup(), outputGradient.dup()).getFirst();
      // [B, outC, outH, outW] -> [B * T, outC], rows in (b, oh, ow) order like the columns.
      long batch = delta.size(0);
      long outC = delta.size(1);
      long positions = delta.size(2) * delta.size(3);
      INDArray deltaRows = delta.permute(0, 2, 3, 1).dup('c').reshape('c', batch * positions, outC);
      long k = unfolded.columns().size(1);
      INDArray deltas = deltaRows.reshape('c', batch, positions, outC);
      INDArray patches = unfolded.columns().reshape('c', batch, positions, k);
      weightGradients =
          Nd4j.matmul(deltas, patches, true, false, false) // [B, outC, K]
              .reshape('c', batch, outC * k);
      biasGradients = config.hasBias() ? deltas.sum(1).reshape(batch, outC) : null;
      if (!inputGradientNeeded) {
        return null;
      }
      long inC = weights.size(1);
      int kH = (int) weights.size(2);
      int kW = (int) weights.size(3);
      INDArray columnGradients = deltaRows.mmul(weights.reshape('c', outC, inC * kH * kW));
      long[] in = unfolded.inputShape();
      INDArray col =
          columnGradients
              .reshape('c', in[0], unfolded.outH(), unfolded.outW(), inC, kH, kW)
              .permute(0, 3, 4, 5, 1, 2);
      int[] strides = config.getStride();
      int[] pad = unfolded.pad();
      return Convolution.col2im(
          col, strides[0], strides[1], pad[0], pad[1], (int) in[2], (int) in[3]);
    }

    @Override
    public void addSquaredNorms(double[] squaredNorms) {
      double[] w = RowNorms.squared(weightGradients);
      double[] b = biasGradients == null ? null : RowNorms.squared(biasGradients);
      for (int i = 0; i < squaredNorms.length; i++) {
        squaredNorms[i] += w[i] + (b == null ? 0.0 : b[i]);
      }
    }

    @Override
    public long addClippedSum(ClipFactors clip, INDArray sum) {
      INDArray factors = clip.column(site.dataType()).reshape(1, clip.factors().length);
      clip.zeroSkippedRows(weightGradients);
      INDArray params = site.parameters();
      // c^T G: [1, outC * K] in 'c' order = W[o, ic, kh, kw].
      long written = ParameterBlocks.write(sum, params, weights, factors.mmul(weightGradients));
      if (biasGradients != null) {
        clip.zeroSkippedRows(biasGradients);
        written +=
            ParameterBlocks.write(
                sum, params, site.layer().getParam("b"), factors.mmul(biasGradients));
      }
      return written;
    }
  }
}

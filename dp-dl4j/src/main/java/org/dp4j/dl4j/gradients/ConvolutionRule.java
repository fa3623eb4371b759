package org.dp4j.dl4j.gradients;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.util.ConvolutionUtils;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
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
 * T = outH * outW}, {@code K = inC * kH * kW}, Chellapilla et al. 2006; padding of Same mode as
 * DL4J computes it) and {@code Delta_i} its pre-activation output gradients ({@code [T, outC]}),
 * the forward pass is one matrix product {@code Z = U W^T} over the whole batch, the weight
 * gradient is {@code Delta_i^T U_i} ({@code [outC, K]}) and the bias gradient the column sums of
 * {@code Delta_i}; the input gradient is {@code col2im(Delta W)}. The {@code [B, outC, K]}
 * per-example weight gradients are one batched matrix product, of the cost of the non-private
 * weight gradient {@code Delta^T U}; the clipped sum is {@code c^T G}. The unfolded input is formed
 * once and serves the forward pass, the per-example gradients and the plain gradient.
 *
 * <p>{@code FLOAT} networks on the host ({@link HostPass}) keep activations channels-last ({@code
 * [B, H, W, C]} buffers, handed on as {@code [B, C, H, W]} views) so that a patch row is {@code
 * (kh, kw, ic)} and each kernel row one contiguous run; im2col and col2im are Java loops ({@link
 * ConvGeometry}), the products ND4J's BLAS, bias and tanh one host loop ({@link TanhKernel}), and
 * the weights are reordered to {@code [outC, kH, kW, inC]} to match (and the gradients back to
 * {@code W}'s {@code [outC, inC, kH, kW]}). Other data types ({@link GeneralPass}) use DL4J's own
 * im2col in {@code (ic, kh, kw)} order and ND4J ops.
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
   * The pre-activation output {@code z = U W^T + b} from the unfolded input {@code U} ({@code [B *
   * outH * outW, K]}, one row per example and output position) and one matrix product, then the
   * activation. {@code FLOAT} networks on the host take the fast path ({@link HostPass}); others
   * the general one ({@link GeneralPass}).
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
    INDArray weights = site.layer().getParam("W"); // [outC, inC, kH, kW]
    long inC = input.size(1);
    Checks.require(
        inC == weights.size(1),
        "input channels of " + config.getClass().getSimpleName(),
        "equal to nIn " + weights.size(1),
        inC);
    ConvGeometry geometry = geometry(input);
    if (HostFloats.onHost() && site.dataType() == DataType.FLOAT) {
      return hostForward(input, weights, geometry);
    }
    return generalForward(input, weights, geometry);
  }

  /** The geometry of this layer on {@code input} ({@code [B, C, H, W]}), as DL4J computes it. */
  private ConvGeometry geometry(INDArray input) {
    int[] kernel = config.getKernelSize();
    int[] strides = config.getStride();
    int[] dilation = {1, 1};
    ConvolutionMode mode = config.getConvolutionMode();
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
    return new ConvGeometry(
        Math.toIntExact(input.size(0)),
        Math.toIntExact(input.size(1)),
        Math.toIntExact(input.size(2)),
        Math.toIntExact(input.size(3)),
        kernel[0],
        kernel[1],
        strides[0],
        strides[1],
        pad[0],
        pad[1],
        outSize[0],
        outSize[1]);
  }

  /**
   * The fast path: the input channels-last, im2col by {@link ConvGeometry} into patch rows in
   * {@code (kh, kw, ic)} order, {@code z = U W'^T} with {@code W'} the weights reordered to match
   * ({@code [outC, kH, kW, inC]}), the bias and tanh in one host loop (other activations: DL4J's,
   * on the {@code [B, outC, outH, outW]} view). The output is a channels-last buffer seen as {@code
   * [B, outC, outH, outW]}, which the next fast rule reads without a copy.
   */
  private Pass hostForward(INDArray input, INDArray weights, ConvGeometry g) {
    long rows = (long) g.batch() * g.positions();
    long outC = weights.size(0);
    INDArray channelsLast = HostFloats.channelsLast(input.castTo(DataType.FLOAT));
    INDArray columns = HostFloats.uninitialized(rows, g.patch());
    g.im2col(channelsLast, columns);
    INDArray kernel = weights.permute(0, 2, 3, 1).dup('c').reshape('c', outC, g.patch());
    INDArray z =
        Nd4j.gemm(columns, kernel, HostFloats.uninitialized(rows, outC), false, true, 1.0, 0.0);
    INDArray b = config.hasBias() ? site.layer().getParam("b") : null;
    IActivation activation = config.getActivationFn();
    if (TanhKernel.handles(activation)) {
      biasAndTanh(z, b == null ? null : b.castTo(DataType.FLOAT).toFloatVector());
      return new HostPass(g, weights, kernel, columns, z, null, asChannelsFirst(z, g, outC));
    }
    if (b != null) {
      z.addiRowVector(b.reshape(1, outC));
    }
    INDArray preOutput = asChannelsFirst(z, g, outC);
    INDArray output = activation.getActivation(preOutput.dup(), true);
    return new HostPass(g, weights, kernel, columns, null, preOutput, output);
  }

  /** {@code z[r, o] = tanh(z[r, o] + bias[o])} in place (no bias when {@code bias} is null). */
  private static void biasAndTanh(INDArray z, float[] bias) {
    int base = HostFloats.offset(z);
    int columns = (int) z.size(1);
    int rowsPerChunk = Math.max(1, 8192 / columns);
    int rows = Math.toIntExact(z.size(0));
    int chunks = (rows + rowsPerChunk - 1) / rowsPerChunk;
    ExampleRanges.forEach(
        chunks,
        (from, to) -> {
          FloatBuffer buffer = HostFloats.buffer(z);
          float[] chunk = new float[rowsPerChunk * columns];
          for (int k = from; k < to; k++) {
            int r = k * rowsPerChunk;
            int n = Math.min(rowsPerChunk, rows - r) * columns;
            int at = base + r * columns;
            buffer.get(at, chunk, 0, n);
            if (bias != null) {
              for (int i = 0; i < n; i += columns) {
                for (int o = 0; o < columns; o++) {
                  chunk[i + o] += bias[o];
                }
              }
            }
            TanhKernel.tanhInPlace(chunk, 0, n);
            buffer.put(at, chunk, 0, n);
          }
        });
  }

  /** The {@code [B * T, outC]} rows as the {@code [B, outC, outH, outW]} view. */
  private static INDArray asChannelsFirst(INDArray rows, ConvGeometry g, long outC) {
    return rows.reshape('c', g.batch(), g.outH(), g.outW(), outC).permute(0, 3, 1, 2);
  }

  /**
   * {@code [outC * K]} gradient rows in the fast path's {@code (o, kh, kw, ic)} order, as the
   * {@code [outC, inC, kH, kW]} layout of {@code W}.
   */
  private static INDArray asWeightLayout(INDArray gradient, INDArray weights) {
    return gradient
        .reshape('c', weights.size(0), weights.size(2), weights.size(3), weights.size(1))
        .permute(0, 3, 1, 2);
  }

  /** The per-example column sums of {@code rows} ({@code [B * T, C]}): {@code [B, C]}. */
  private static INDArray perExampleColumnSums(INDArray rows, int batch, int positions) {
    INDArray dense = HostFloats.dense(rows);
    int columns = (int) dense.size(1);
    int base = HostFloats.offset(dense);
    float[] sums = new float[batch * columns];
    ExampleRanges.forEach(
        batch,
        (from, to) -> {
          FloatBuffer buffer = HostFloats.buffer(dense);
          float[] example = new float[positions * columns];
          double[] acc = new double[columns];
          for (int b = from; b < to; b++) {
            buffer.get(base + b * example.length, example);
            columnSums(example, columns, acc);
            for (int o = 0; o < columns; o++) {
              sums[b * columns + o] = (float) acc[o];
            }
          }
        });
    return Nd4j.createFromArray(sums).reshape('c', batch, columns);
  }

  /**
   * {@code deltas *= 1 - y^2} in place (the tanh derivative from the output {@code y}, both dense
   * {@code [B * T, C]}), and the per-example column sums of the result, {@code [B, C]}, in the same
   * pass.
   */
  private static INDArray tanhBackward(INDArray y, INDArray deltas, int batch, int positions) {
    int columns = (int) deltas.size(1);
    int yBase = HostFloats.offset(y);
    int dBase = HostFloats.offset(deltas);
    float[] sums = new float[batch * columns];
    ExampleRanges.forEach(
        batch,
        (from, to) -> {
          FloatBuffer yb = HostFloats.buffer(y);
          FloatBuffer db = HostFloats.buffer(deltas);
          float[] ys = new float[positions * columns];
          float[] ds = new float[ys.length];
          double[] acc = new double[columns];
          for (int b = from; b < to; b++) {
            yb.get(yBase + b * ys.length, ys);
            db.get(dBase + b * ds.length, ds);
            TanhKernel.backwardInPlace(ys, ds, 0, ds.length);
            db.put(dBase + b * ds.length, ds);
            columnSums(ds, columns, acc);
            for (int o = 0; o < columns; o++) {
              sums[b * columns + o] = (float) acc[o];
            }
          }
        });
    return Nd4j.createFromArray(sums).reshape('c', batch, columns);
  }

  /** {@code acc[o] = sum_r rows[r * columns + o]} in double. */
  private static void columnSums(float[] rows, int columns, double[] acc) {
    Arrays.fill(acc, 0.0);
    for (int i = 0; i < rows.length; i += columns) {
      for (int o = 0; o < columns; o++) {
        acc[o] += rows[i + o];
      }
    }
  }

  /**
   * The fast path's pass: per-example gradients {@code G_i = Delta_i^T U_i} are formed only when
   * the norms or the clipped sum ask for them (one batched product); the plain gradient sum is one
   * product {@code Delta^T U} over the whole batch.
   */
  private final class HostPass implements Pass {
    private final ConvGeometry geometry;
    private final INDArray weights;
    private final INDArray kernel; // [outC, K], (kh, kw, ic) order
    private final INDArray columns; // U, [B * T, K]
    private final INDArray tanhOutput; // [B * T, outC] for tanh, else null
    private final INDArray preOutput; // [B, outC, outH, outW] view for other activations
    private final INDArray output;
    private INDArray deltas; // [B * T, outC]
    private INDArray columnSums; // [B, outC]: the per-example bias gradients
    private INDArray weightGradients; // [B, outC * K], (o, kh, kw, ic) order
    private INDArray biasGradients; // [B, outC] or null

    HostPass(
        ConvGeometry geometry,
        INDArray weights,
        INDArray kernel,
        INDArray columns,
        INDArray tanhOutput,
        INDArray preOutput,
        INDArray output) {
      this.geometry = geometry;
      this.weights = weights;
      this.kernel = kernel;
      this.columns = columns;
      this.tanhOutput = tanhOutput;
      this.preOutput = preOutput;
      this.output = output;
    }

    @Override
    public INDArray output() {
      return output;
    }

    /**
     * The deltas {@code Delta} ({@code [B * T, outC]}), and the input gradient {@code col2im(Delta
     * W')}, returned channels-last as a {@code [B, inC, H, W]} view.
     */
    @Override
    public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
      long rows = (long) geometry.batch() * geometry.positions();
      long outC = weights.size(0);
      if (tanhOutput != null) {
        deltas = HostFloats.channelsLast(outputGradient).reshape('c', rows, outC);
        columnSums = tanhBackward(tanhOutput, deltas, geometry.batch(), geometry.positions());
      } else {
        INDArray delta =
            config.getActivationFn().backprop(preOutput.dup(), outputGradient.dup()).getFirst();
        deltas = HostFloats.dense(delta.permute(0, 2, 3, 1)).reshape('c', rows, outC);
        columnSums = perExampleColumnSums(deltas, geometry.batch(), geometry.positions());
      }
      if (!inputGradientNeeded) {
        return null;
      }
      INDArray columnGradients =
          Nd4j.gemm(
              deltas,
              kernel,
              HostFloats.uninitialized(rows, geometry.patch()),
              false,
              false,
              1.0,
              0.0);
      INDArray inputGradient =
          HostFloats.uninitialized(
              geometry.batch(), geometry.inH(), geometry.inW(), geometry.inC());
      geometry.col2im(columnGradients, inputGradient);
      return inputGradient.permute(0, 3, 1, 2);
    }

    private void formPerExampleGradients() {
      if (weightGradients != null) {
        return;
      }
      int batch = geometry.batch();
      long outC = weights.size(0);
      INDArray d = deltas.reshape('c', batch, geometry.positions(), outC);
      INDArray u = columns.reshape('c', batch, geometry.positions(), geometry.patch());
      weightGradients =
          Nd4j.matmul(
                  d, u, HostFloats.uninitialized(batch, outC, geometry.patch()), true, false, false)
              .reshape('c', batch, outC * geometry.patch());
      biasGradients = config.hasBias() ? columnSums : null;
    }

    @Override
    public void addSquaredNorms(double[] squaredNorms) {
      formPerExampleGradients();
      double[] w = RowNorms.squared(weightGradients);
      double[] b = biasGradients == null ? null : RowNorms.squared(biasGradients);
      for (int i = 0; i < squaredNorms.length; i++) {
        squaredNorms[i] += w[i] + (b == null ? 0.0 : b[i]);
      }
    }

    @Override
    public long addClippedSum(ClipFactors clip, INDArray sum) {
      formPerExampleGradients();
      INDArray factors = clip.column(DataType.FLOAT).reshape(1, clip.factors().length);
      clip.zeroSkippedRows(weightGradients);
      INDArray params = site.parameters();
      long written =
          ParameterBlocks.write(
              sum, params, weights, asWeightLayout(factors.mmul(weightGradients), weights));
      if (biasGradients != null) {
        clip.zeroSkippedRows(biasGradients);
        written +=
            ParameterBlocks.write(
                sum, params, site.layer().getParam("b"), factors.mmul(biasGradients));
      }
      return written;
    }

    @Override
    public long addGradientSum(int batch, INDArray sum) {
      long outC = weights.size(0);
      INDArray weightSum =
          Nd4j.gemm(
              deltas,
              columns,
              HostFloats.uninitialized(outC, geometry.patch()),
              true,
              false,
              1.0,
              0.0);
      INDArray params = site.parameters();
      long written =
          ParameterBlocks.write(sum, params, weights, asWeightLayout(weightSum, weights));
      if (config.hasBias() && site.layer().getParam("b") != null) {
        written +=
            ParameterBlocks.write(sum, params, site.layer().getParam("b"), columnSums.sum(0));
      }
      return written;
    }
  }

  /**
   * The general path (other data types, or ND4J off the host): DL4J's own im2col into the
   * channels-first order {@code (ic, kh, kw)} of {@code W}'s {@code 'c'} layout, and ND4J ops.
   */
  private Pass generalForward(INDArray input, INDArray weights, ConvGeometry g) {
    int kH = g.kH();
    int kW = g.kW();
    long inC = g.inC();
    long batch = g.batch();
    long outC = weights.size(0);
    int outH = g.outH();
    int outW = g.outW();
    INDArray col =
        Nd4j.createUninitialized(
            weights.dataType(), new long[] {batch, outH, outW, inC, kH, kW}, 'c');
    INDArray col2 = col.permute(0, 3, 4, 5, 1, 2);
    Convolution.im2col(
        input.castTo(weights.dataType()),
        kH,
        kW,
        g.sH(),
        g.sW(),
        g.padTop(),
        g.padLeft(),
        1,
        1,
        config.getConvolutionMode() == ConvolutionMode.Same,
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
    return new GeneralPass(weights, g, columns, preOutput, output);
  }

  private final class GeneralPass implements Pass {
    private final INDArray weights;
    private final ConvGeometry geometry;
    private final INDArray columns; // [B * T, K], (ic, kh, kw) order
    private final INDArray preOutput;
    private final INDArray output;
    private INDArray weightGradients; // [B, outC * K]
    private INDArray biasGradients; // [B, outC] or null

    GeneralPass(
        INDArray weights,
        ConvGeometry geometry,
        INDArray columns,
        INDArray preOutput,
        INDArray output) {
      this.weights = weights;
      this.geometry = geometry;
      this.columns = columns;
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
      long k = columns.size(1);
      INDArray deltas = deltaRows.reshape('c', batch, positions, outC);
      INDArray patches = columns.reshape('c', batch, positions, k);
      weightGradients =
          Nd4j.matmul(deltas, patches, true, false, false) // [B, outC, K]
              .reshape('c', batch, outC * k);
      biasGradients = config.hasBias() ? deltas.sum(1).reshape(batch, outC) : null;
      if (!inputGradientNeeded) {
        return null;
      }
      INDArray columnGradients = deltaRows.mmul(weights.reshape('c', outC, k));
      INDArray col =
          columnGradients
              .reshape(
                  'c',
                  batch,
                  geometry.outH(),
                  geometry.outW(),
                  geometry.inC(),
                  geometry.kH(),
                  geometry.kW())
              .permute(0, 3, 4, 5, 1, 2);
      return Convolution.col2im(
          col,
          geometry.sH(),
          geometry.sW(),
          geometry.padTop(),
          geometry.padLeft(),
          geometry.inH(),
          geometry.inW());
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

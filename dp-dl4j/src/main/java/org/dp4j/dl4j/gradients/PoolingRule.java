package org.dp4j.dl4j.gradients;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link SubsamplingLayer} with MAX or AVG pooling in {@code NCHW}: no parameters; max pooling
 * routes each example's gradient to its own arg-max, average pooling spreads it evenly.
 *
 * <p>{@code FLOAT} networks on the host, without padding, in {@link ConvolutionMode} Truncate or
 * Strict, with dilation 1, take a host loop over the channels-last input that the convolution
 * rule produces (no copy): the window's maximum (a NaN in the window gives NaN), its gradient
 * routed to the first position in {@code (kh, kw)} order that holds it, or the window's mean. Every other supported setting runs DL4J's own forward and
 * backward pass, which sets the layer's input field.
 */
record PoolingRule(LayerSite site, SubsamplingLayer config) implements LayerRule {

  static final Type TYPE = Type.of("a SubsamplingLayer", SubsamplingLayer.class, site -> true,
      PoolingRule::new);

  @Override
  public Optional<String> unsupportedReason() {
    PoolingType type = config.getPoolingType();
    if (type != PoolingType.MAX && type != PoolingType.AVG) {
      return Optional.of("must use MAX or AVG pooling, got " + type);
    }
    if (config.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
      return Optional.of("must use the NCHW data format, got " + config.getCnn2dDataFormat());
    }
    return Optional.empty();
  }

  @Override
  public Pass forward(INDArray input) {
    if (hostLoopApplies(input)) {
      return hostForward(input);
    }
    LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
    INDArray output = site.layer().activate(input.castTo(site.dataType()), true, noWorkspaces);
    return new ParameterFreePass(output,
        gradient -> site.layer().backpropGradient(gradient, noWorkspaces).getSecond());
  }

  private boolean hostLoopApplies(INDArray input) {
    int[] padding = config.getPadding();
    int[] dilation = config.getDilation();
    ConvolutionMode mode = config.getConvolutionMode();
    return HostFloats.onHost() && site.dataType() == DataType.FLOAT && input.rank() == 4
        && (padding == null || (padding[0] == 0 && padding[1] == 0))
        && (dilation == null || (dilation[0] == 1 && dilation[1] == 1))
        && (mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict);
  }

  private Pass hostForward(INDArray input) {
    int[] kernel = config.getKernelSize();
    int[] strides = config.getStride();
    int[] outSize = ConvolutionUtils.getOutputSize(input, kernel, strides, new int[] {0, 0},
        config.getConvolutionMode(), new int[] {1, 1}, CNN2DFormat.NCHW);
    ConvGeometry g = new ConvGeometry(Math.toIntExact(input.size(0)),
        Math.toIntExact(input.size(1)), Math.toIntExact(input.size(2)),
        Math.toIntExact(input.size(3)), kernel[0], kernel[1], strides[0], strides[1], 0, 0,
        outSize[0], outSize[1]);
    boolean max = config.getPoolingType() == PoolingType.MAX;
    INDArray in = HostFloats.dense(input.permute(0, 2, 3, 1));
    INDArray out = HostFloats.uninitialized(g.batch(), g.outH(), g.outW(), g.inC());
    int[] argMax = max ? new int[g.batch() * g.positions() * g.inC()] : null;
    pool(g, in, out, argMax);
    return new ParameterFreePass(out.permute(0, 3, 1, 2), gradient -> {
      INDArray dOut = HostFloats.dense(gradient.permute(0, 2, 3, 1));
      INDArray dIn = HostFloats.uninitialized(g.batch(), g.inH(), g.inW(), g.inC());
      unpool(g, dOut, dIn, argMax);
      return dIn.permute(0, 3, 1, 2);
    });
  }

  /**
   * Max ({@code argMax} not null: records each output's input index within the example) or
   * average pooling of channels-last examples, one example at a time.
   */
  private static void pool(ConvGeometry g, INDArray input, INDArray output, int[] argMax) {
    FloatBuffer in = HostFloats.buffer(input);
    FloatBuffer out = HostFloats.buffer(output);
    int inBase = HostFloats.offset(input);
    int outBase = HostFloats.offset(output);
    float[] x = new float[g.inputSize()];
    float[] y = new float[g.positions() * g.inC()];
    for (int b = 0; b < g.batch(); b++) {
      in.get(inBase + b * x.length, x);
      if (argMax == null) {
        averageExample(g, x, y);
      } else {
        maxExample(g, x, y, argMax, b * y.length);
      }
      out.put(outBase + b * y.length, y);
    }
  }

  /**
   * One example's max pooling, with the channels innermost (contiguous) and no data-dependent
   * branch: the maximum by {@code Math.max} (NaN-propagating), then the arg-max as the first
   * window position equal to it, by a select over the window in reverse so that earlier positions
   * overwrite later ones (a branch on random comparisons would mispredict about every other
   * time). A NaN maximum matches no position (-1): that example is not finite anyway.
   */
  private static void maxExample(ConvGeometry g, float[] x, float[] y, int[] argMax, int args) {
    int c = g.inC();
    int kH = g.kH();
    int kW = g.kW();
    int inW = g.inW();
    for (int oh = 0; oh < g.outH(); oh++) {
      for (int ow = 0; ow < g.outW(); ow++) {
        int o = (oh * g.outW() + ow) * c;
        int corner = (oh * g.sH() * inW + ow * g.sW()) * c;
        System.arraycopy(x, corner, y, o, c);
        for (int kh = 0; kh < kH; kh++) {
          for (int kw = 0; kw < kW; kw++) {
            int i = corner + (kh * inW + kw) * c;
            for (int ch = 0; ch < c; ch++) {
              y[o + ch] = Math.max(y[o + ch], x[i + ch]);
            }
          }
        }
        int a = args + o;
        Arrays.fill(argMax, a, a + c, -1);
        for (int kh = kH - 1; kh >= 0; kh--) {
          for (int kw = kW - 1; kw >= 0; kw--) {
            int i = corner + (kh * inW + kw) * c;
            for (int ch = 0; ch < c; ch++) {
              argMax[a + ch] = x[i + ch] == y[o + ch] ? i + ch : argMax[a + ch];
            }
          }
        }
      }
    }
  }

  /** One example's average pooling. */
  private static void averageExample(ConvGeometry g, float[] x, float[] y) {
    int c = g.inC();
    int inW = g.inW();
    float scale = 1f / (g.kH() * g.kW());
    Arrays.fill(y, 0f);
    for (int oh = 0; oh < g.outH(); oh++) {
      for (int ow = 0; ow < g.outW(); ow++) {
        int o = (oh * g.outW() + ow) * c;
        int corner = (oh * g.sH() * inW + ow * g.sW()) * c;
        for (int kh = 0; kh < g.kH(); kh++) {
          for (int kw = 0; kw < g.kW(); kw++) {
            int i = corner + (kh * inW + kw) * c;
            for (int ch = 0; ch < c; ch++) {
              y[o + ch] += x[i + ch];
            }
          }
        }
        for (int ch = 0; ch < c; ch++) {
          y[o + ch] *= scale;
        }
      }
    }
  }

  /** The input gradient of {@link #pool}: scatter to the arg-max, or spread over the window. */
  private static void unpool(ConvGeometry g, INDArray outputGradient, INDArray inputGradient,
      int[] argMax) {
    FloatBuffer in = HostFloats.buffer(outputGradient);
    FloatBuffer out = HostFloats.buffer(inputGradient);
    int inBase = HostFloats.offset(outputGradient);
    int outBase = HostFloats.offset(inputGradient);
    float[] dy = new float[g.positions() * g.inC()];
    float[] dx = new float[g.inputSize()];
    for (int b = 0; b < g.batch(); b++) {
      in.get(inBase + b * dy.length, dy);
      Arrays.fill(dx, 0f);
      if (argMax != null) {
        scatter(dy, dx, argMax, b * dy.length);
      } else {
        spread(g, dy, dx);
      }
      out.put(outBase + b * dx.length, dx);
    }
  }

  private static void scatter(float[] dy, float[] dx, int[] argMax, int args) {
    for (int o = 0; o < dy.length; o++) {
      int i = argMax[args + o];
      if (i >= 0) {
        dx[i] += dy[o];
      }
    }
  }

  private static void spread(ConvGeometry g, float[] dy, float[] dx) {
    int c = g.inC();
    int inW = g.inW();
    float scale = 1f / (g.kH() * g.kW());
    for (int oh = 0; oh < g.outH(); oh++) {
      for (int ow = 0; ow < g.outW(); ow++) {
        int o = (oh * g.outW() + ow) * c;
        int corner = (oh * g.sH() * inW + ow * g.sW()) * c;
        for (int kh = 0; kh < g.kH(); kh++) {
          for (int kw = 0; kw < g.kW(); kw++) {
            int i = corner + (kh * inW + kw) * c;
            for (int ch = 0; ch < c; ch++) {
              dx[i + ch] += dy[o + ch] * scale;
            }
          }
        }
      }
    }
  }
}

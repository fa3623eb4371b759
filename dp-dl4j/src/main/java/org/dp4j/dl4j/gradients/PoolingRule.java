package org.dp4j.dl4j.gradients;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
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
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link SubsamplingLayer} with MAX or AVG pooling in {@code NCHW}: no parameters; max pooling
 * routes each example's gradient to its own arg-max, average pooling spreads it evenly.
 *
 * <p>{@code FLOAT} networks on the host, without padding, in {@link ConvolutionMode} Truncate or
 * Strict, with dilation 1, take a host loop over the channels-last input that the convolution rule
 * produces (no copy): the window's maximum (a NaN in the window gives NaN), its gradient routed to
 * the first position in {@code (kh, kw)} order that holds it, or the window's mean. Every other
 * supported setting runs DL4J's own forward and backward pass, which sets the layer's input field.
 */
record PoolingRule(LayerSite site, SubsamplingLayer config) implements LayerRule {

  /** The arg-max of a window whose maximum no position equals: far below any index. */
  private static final int NO_POSITION = Integer.MIN_VALUE / 2;

  static final Type TYPE =
      Type.of("a SubsamplingLayer", SubsamplingLayer.class, site -> true, PoolingRule::new);

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
    return new ParameterFreePass(
        output, gradient -> site.layer().backpropGradient(gradient, noWorkspaces).getSecond());
  }

  private boolean hostLoopApplies(INDArray input) {
    int[] padding = config.getPadding();
    int[] dilation = config.getDilation();
    ConvolutionMode mode = config.getConvolutionMode();
    return HostFloats.onHost()
        && site.dataType() == DataType.FLOAT
        && input.rank() == 4
        && (padding == null || (padding[0] == 0 && padding[1] == 0))
        && (dilation == null || (dilation[0] == 1 && dilation[1] == 1))
        && (mode == ConvolutionMode.Truncate || mode == ConvolutionMode.Strict);
  }

  private Pass hostForward(INDArray input) {
    int[] kernel = config.getKernelSize();
    int[] strides = config.getStride();
    int[] outSize =
        ConvolutionUtils.getOutputSize(
            input,
            kernel,
            strides,
            new int[] {0, 0},
            config.getConvolutionMode(),
            new int[] {1, 1},
            CNN2DFormat.NCHW);
    ConvGeometry g =
        new ConvGeometry(
            Math.toIntExact(input.size(0)),
            Math.toIntExact(input.size(1)),
            Math.toIntExact(input.size(2)),
            Math.toIntExact(input.size(3)),
            kernel[0],
            kernel[1],
            strides[0],
            strides[1],
            0,
            0,
            outSize[0],
            outSize[1]);
    boolean max = config.getPoolingType() == PoolingType.MAX;
    INDArray in = HostFloats.channelsLast(input);
    INDArray out = HostFloats.uninitialized(g.batch(), g.outH(), g.outW(), g.inC());
    // The arg-max indices live in the engine's workspace too (a heap array of this size costs
    // about 1 ms per call to allocate and clear).
    INDArray argMax =
        max
            ? Nd4j.createUninitialized(DataType.INT, (long) g.batch() * g.positions() * g.inC())
            : null;
    pool(g, in, out, argMax);
    return new ParameterFreePass(
        out.permute(0, 3, 1, 2),
        gradient -> {
          INDArray dOut = HostFloats.channelsLast(gradient);
          INDArray dIn = HostFloats.uninitialized(g.batch(), g.inH(), g.inW(), g.inC());
          unpool(g, dOut, dIn, argMax);
          return dIn.permute(0, 3, 1, 2);
        });
  }

  /**
   * Max ({@code argMax} not null: records each output's input index within the example, {@code INT}
   * {@code [B * T * C]}) or average pooling of channels-last examples, one example at a time.
   */
  private static void pool(ConvGeometry g, INDArray input, INDArray output, INDArray argMax) {
    int inBase = HostFloats.offset(input);
    int outBase = HostFloats.offset(output);
    ExampleRanges.forEach(
        g.batch(),
        (from, to) -> {
          FloatBuffer in = HostFloats.buffer(input);
          FloatBuffer out = HostFloats.buffer(output);
          IntBuffer indices = argMax == null ? null : argMax.data().asNioInt();
          int indexBase = argMax == null ? 0 : Math.toIntExact(argMax.offset());
          float[] x = new float[g.inputSize()];
          float[] y = new float[g.positions() * g.inC()];
          int[] at = new int[y.length];
          for (int b = from; b < to; b++) {
            in.get(inBase + b * x.length, x);
            if (argMax == null) {
              averageExample(g, x, y);
            } else {
              maxExample(g, x, y, at);
              indices.put(indexBase + b * at.length, at);
            }
            out.put(outBase + b * y.length, y);
          }
        });
  }

  /**
   * One example's max pooling, with the channels innermost (contiguous) and no data-dependent
   * branch (a branch on random comparisons mispredicts about every other time, which made an
   * earlier version 2.5 times slower): the maximum by {@code Math.max} (NaN-propagating), then the
   * arg-max as the first window position, in {@code (kh, kw)} order, whose value equals it: with
   * {@code n_w} = 1 when position {@code w} differs from the maximum ({@link #differs}), the number
   * of leading differing positions {@code sum_w prod_{j <= w} n_j} indexes a table of the window's
   * offsets. A maximum that no position equals (NaN, or infinite minus infinite) gets a negative
   * index: that example is not finite, and its gradient is not routed.
   */
  private static void maxExample(ConvGeometry g, float[] x, float[] y, int[] argMax) {
    int c = g.inC();
    int kH = g.kH();
    int kW = g.kW();
    int inW = g.inW();
    int window = kH * kW;
    int[] offsets = new int[window + 1];
    for (int w = 0; w < window; w++) {
      offsets[w] = ((w / kW) * inW + w % kW) * c;
    }
    offsets[window] = NO_POSITION;
    if (window == 4 && kW == 2) {
      maxExample2x2(g, x, y, argMax, offsets);
      return;
    }
    int[] alive = new int[c];
    int[] leading = new int[c];
    for (int oh = 0; oh < g.outH(); oh++) {
      for (int ow = 0; ow < g.outW(); ow++) {
        int o = (oh * g.outW() + ow) * c;
        int corner = (oh * g.sH() * inW + ow * g.sW()) * c;
        System.arraycopy(x, corner, y, o, c);
        for (int w = 1; w < window; w++) {
          int i = corner + offsets[w];
          for (int ch = 0; ch < c; ch++) {
            y[o + ch] = Math.max(y[o + ch], x[i + ch]);
          }
        }
        Arrays.fill(alive, 1);
        Arrays.fill(leading, 0);
        for (int w = 0; w < window; w++) {
          int i = corner + offsets[w];
          for (int ch = 0; ch < c; ch++) {
            alive[ch] &= differs(y[o + ch], x[i + ch]);
            leading[ch] += alive[ch];
          }
        }
        for (int ch = 0; ch < c; ch++) {
          argMax[o + ch] = corner + ch + offsets[leading[ch]];
        }
      }
    }
  }

  /** {@link #maxExample} for 2x2 windows (the usual pooling), unrolled. */
  private static void maxExample2x2(
      ConvGeometry g, float[] x, float[] y, int[] argMax, int[] offsets) {
    int c = g.inC();
    int right = offsets[1];
    int down = offsets[2];
    int diagonal = offsets[3];
    for (int oh = 0; oh < g.outH(); oh++) {
      for (int ow = 0; ow < g.outW(); ow++) {
        int o = (oh * g.outW() + ow) * c;
        int corner = (oh * g.sH() * g.inW() + ow * g.sW()) * c;
        for (int ch = 0; ch < c; ch++) {
          int i = corner + ch;
          float v0 = x[i];
          float v1 = x[i + right];
          float v2 = x[i + down];
          float v3 = x[i + diagonal];
          float m = Math.max(Math.max(v0, v1), Math.max(v2, v3));
          y[o + ch] = m;
          int n0 = differs(m, v0);
          int n1 = n0 & differs(m, v1);
          int n2 = n1 & differs(m, v2);
          int n3 = n2 & differs(m, v3);
          argMax[o + ch] = i + offsets[n0 + n1 + n2 + n3];
        }
      }
    }
  }

  /**
   * 1 when {@code v} differs from {@code max} (a maximum over a window holding {@code v}), 0 when
   * it equals it, without a branch: {@code max - v} is {@code +0} exactly when they are equal (also
   * for {@code -0} against {@code +0}), and {@code (b | -b) >>> 31} is 1 for any non-zero bit
   * pattern {@code b}.
   */
  private static int differs(float max, float v) {
    int bits = Float.floatToRawIntBits(max - v);
    return (bits | -bits) >>> 31;
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
  private static void unpool(
      ConvGeometry g, INDArray outputGradient, INDArray inputGradient, INDArray argMax) {
    int inBase = HostFloats.offset(outputGradient);
    int outBase = HostFloats.offset(inputGradient);
    ExampleRanges.forEach(
        g.batch(),
        (from, to) -> {
          FloatBuffer in = HostFloats.buffer(outputGradient);
          FloatBuffer out = HostFloats.buffer(inputGradient);
          IntBuffer indices = argMax == null ? null : argMax.data().asNioInt();
          int indexBase = argMax == null ? 0 : Math.toIntExact(argMax.offset());
          float[] dy = new float[g.positions() * g.inC()];
          float[] dx = new float[g.inputSize()];
          int[] at = new int[dy.length];
          for (int b = from; b < to; b++) {
            in.get(inBase + b * dy.length, dy);
            Arrays.fill(dx, 0f);
            if (argMax != null) {
              indices.get(indexBase + b * at.length, at);
              scatter(dy, dx, at);
            } else {
              spread(g, dy, dx);
            }
            out.put(outBase + b * dx.length, dx);
          }
        });
  }

  private static void scatter(float[] dy, float[] dx, int[] argMax) {
    for (int o = 0; o < dy.length; o++) {
      int i = argMax[o];
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

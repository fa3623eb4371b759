package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link Convolution1DLayer} on sequences {@code [B, C, T]} ({@code NCW}): kernel {@code k},
 * stride, dilation, with or without bias, any activation, in convolution mode {@code Same}, {@code
 * Truncate} (with padding) or {@code Causal}; output {@code [B, nOut, T_out]}.
 *
 * <p>The convolution is a dense map of the unfolded input: output step {@code o} reads the input
 * steps {@code o s - p_left + m d}, {@code m < k} (zero outside the sequence), stacked into a row
 * {@code A_{i,o}} of length {@code k C}, and {@code z_{i,o} = A_{i,o} W' + b} with {@code W'} the
 * weight seen as {@code [k C, nOut]} ({@link #weightMatrix}). Example {@code i}'s weight gradient
 * is {@code A_i^T D_i}, a sum over output steps, so {@link SequenceAffine} gives its norm (ghost
 * over time or layerwise, by shapes) and the clipped sum (Goodfellow 2015; Li et al. 2022, section
 * 4; Bu, Mao and Xu 2022 for convolutions as unfolded dense maps).
 *
 * <p>Masks, as DL4J's {@code Convolution1DLayer}: the output mask is the input mask reduced over
 * each output step's receptive field (its maximum; unchanged in {@code Same} mode with stride 1),
 * and DL4J neither masks this layer's output nor its deltas. {@code Causal} and strided {@code
 * Same} layers take no mask here. {@code Strict} mode and {@code NWC} data are refused.
 */
record Convolution1DRule(LayerSite site, Convolution1DLayer config) implements LayerRule {

  static final Type TYPE =
      Type.of(
          "a Convolution1DLayer", Convolution1DLayer.class, site -> true, Convolution1DRule::new);

  @Override
  public Optional<String> unsupportedReason() {
    RNNFormat format = config.getRnnDataFormat();
    if (format != null && format != RNNFormat.NCW) {
      return Optional.of("uses data format " + format + "; only NCW is supported");
    }
    ConvolutionMode mode = config.getConvolutionMode();
    if (mode != ConvolutionMode.Same
        && mode != ConvolutionMode.Truncate
        && mode != ConvolutionMode.Causal) {
      return Optional.of(
          "uses convolution mode " + mode + "; only Same, Truncate and Causal are supported");
    }
    return Optional.empty();
  }

  @Override
  public boolean hasParameters() {
    return true;
  }

  private int kernel() {
    return config.getKernelSize()[0];
  }

  private int stride() {
    return config.getStride()[0];
  }

  private int dilation() {
    return config.getDilation()[0];
  }

  /** The number of output steps of {@code steps} input steps. */
  private long outputSteps(long steps) {
    long span = (long) dilation() * (kernel() - 1) + 1;
    return switch (config.getConvolutionMode()) {
      case Same, Causal -> (steps + stride() - 1) / stride();
      default -> (steps + 2L * config.getPadding()[0] - span) / stride() + 1;
    };
  }

  /** The zero padding before the first input step. */
  private long leftPadding(long steps) {
    long span = (long) dilation() * (kernel() - 1) + 1;
    return switch (config.getConvolutionMode()) {
      case Same -> Math.max(0, (outputSteps(steps) - 1) * stride() + span - steps) / 2;
      case Causal -> span - 1;
      default -> config.getPadding()[0];
    };
  }

  /**
   * The output steps {@code [first, last]} whose tap {@code m} reads an input step inside the
   * sequence, and the input step the first one reads; null when none does.
   */
  private long[] tapRange(long steps, int m) {
    long offset = (long) m * dilation() - leftPadding(steps); // input step of output 0
    long outSteps = outputSteps(steps);
    long first = offset >= 0 ? 0 : (-offset + stride() - 1) / stride();
    long last = Math.min(outSteps - 1, Math.floorDiv(steps - 1 - offset, stride()));
    return first > last ? null : new long[] {first, last, first * stride() + offset};
  }

  @Override
  public INDArray outputMask(INDArray inputMask) {
    if (inputMask == null
        || (config.getConvolutionMode() == ConvolutionMode.Same && stride() == 1)) {
      return inputMask;
    }
    long steps = inputMask.size(1);
    long outSteps = outputSteps(steps);
    INDArray mask = inputMask.castTo(DataType.FLOAT);
    INDArray out = Nd4j.zeros(DataType.FLOAT, inputMask.size(0), outSteps);
    for (int m = 0; m < kernel(); m++) {
      long[] range = tapRange(steps, m);
      if (range != null) {
        long n = range[1] - range[0] + 1;
        INDArray taps =
            mask.get(
                NDArrayIndex.all(),
                NDArrayIndex.interval(range[2], stride(), range[2] + (n - 1) * stride() + 1));
        INDArray target =
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(range[0], range[1] + 1));
        target.assign(Transforms.max(target, taps));
      }
    }
    return out.castTo(inputMask.dataType());
  }

  @Override
  public Pass forward(INDArray input) {
    return forward(input, null);
  }

  @Override
  public Pass forward(INDArray input, INDArray mask) {
    TimeSteps.checkSequence(input, site.name());
    TimeSteps.checkMask(mask, input, site.name());
    if (mask != null
        && (config.getConvolutionMode() == ConvolutionMode.Causal
            || (config.getConvolutionMode() == ConvolutionMode.Same && stride() > 1))) {
      throw new IllegalArgumentException(
          site.name()
              + " takes no features mask in convolution mode "
              + config.getConvolutionMode()
              + " with stride "
              + stride());
    }
    DataType type = site.dataType();
    long batch = input.size(0);
    long channels = input.size(1);
    long steps = input.size(2);
    long outSteps = outputSteps(steps);
    if (outSteps < 1) {
      throw new IllegalArgumentException(
          site.name() + " needs a longer input: " + steps + " steps give no output step");
    }
    int k = kernel();
    INDArray x = input.castTo(type);
    // Unfolded input [B, T_out, k, C]: column m * C + c of a row is channel c at tap m.
    INDArray unfolded = Nd4j.zeros(type, batch, outSteps, k, channels);
    for (int m = 0; m < k; m++) {
      long[] range = tapRange(steps, m);
      if (range != null) {
        unfolded.get(taps(range[0], range[1], m)).assign(inputSteps(x, range).permute(0, 2, 1));
      }
    }
    INDArray a = unfolded.reshape('c', batch, outSteps, k * channels);
    INDArray w = weightMatrix();
    INDArray b = config.hasBias() ? site.layer().getParam("b") : null;
    INDArray z =
        Nd4j.gemm(
            TimeSteps.rows(a),
            w,
            Nd4j.createUninitialized(type, batch * outSteps, w.size(1)),
            false,
            false,
            1.0,
            0.0);
    if (b != null) {
      z.addiRowVector(b.reshape(b.length()));
    }
    IActivation activation = config.getActivationFn();
    INDArray out = activation.getActivation(z.dup(), true);
    return new Conv1DPass(this, x.shape(), a, z, TimeSteps.channelsFirst(out, batch, outSteps));
  }

  /**
   * The weight as the convolution reads it: DL4J keeps {@code [nOut, C, k, 1]} in {@code 'c'} order
   * and reshapes (not permutes) it to {@code [k, C, nOut]} for its {@code conv1d} op ({@code
   * Convolution1DUtils.reshapeWeightArrayOrGradientForFormat}), so the same buffer is the matrix
   * {@code [k C, nOut]}, row {@code m C + c} (a view).
   */
  private INDArray weightMatrix() {
    INDArray w = site.layer().getParam("W");
    if (w.ordering() != 'c') {
      throw new IllegalStateException(site.name() + " keeps its weight in 'f' order");
    }
    return w.reshape('c', w.length() / w.size(0), w.size(0));
  }

  private static INDArrayIndex[] taps(long first, long last, int m) {
    return new INDArrayIndex[] {
      NDArrayIndex.all(),
      NDArrayIndex.interval(first, last + 1),
      NDArrayIndex.point(m),
      NDArrayIndex.all()
    };
  }

  /** The input steps {@code [B, C, n]} that tap {@code range} reads. */
  private INDArray inputSteps(INDArray x, long[] range) {
    long n = range[1] - range[0] + 1;
    return x.get(
        NDArrayIndex.all(),
        NDArrayIndex.all(),
        NDArrayIndex.interval(range[2], stride(), range[2] + (n - 1) * stride() + 1));
  }

  /** The pass: the unfolded input and, after the backward pass, the deltas. */
  private static final class Conv1DPass implements Pass {
    private final Convolution1DRule rule;
    private final long[] inputShape;
    private final INDArray unfolded; // [B, T_out, k C]
    private final INDArray preOutput; // [B T_out, nOut]
    private final INDArray output;
    private INDArray delta;

    Conv1DPass(
        Convolution1DRule rule,
        long[] inputShape,
        INDArray unfolded,
        INDArray preOutput,
        INDArray output) {
      this.rule = rule;
      this.inputShape = inputShape;
      this.unfolded = unfolded;
      this.preOutput = preOutput;
      this.output = output;
    }

    @Override
    public INDArray output() {
      return output;
    }

    @Override
    public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
      DataType type = rule.site.dataType();
      delta =
          rule.config
              .getActivationFn()
              .backprop(preOutput, TimeSteps.stepRows(outputGradient, type))
              .getFirst();
      if (!inputGradientNeeded) {
        return null;
      }
      INDArray w = rule.weightMatrix();
      long batch = inputShape[0];
      long channels = inputShape[1];
      long steps = inputShape[2];
      long outSteps = unfolded.size(1);
      int k = rule.kernel();
      INDArray da =
          Nd4j.gemm(
                  delta,
                  w,
                  Nd4j.createUninitialized(type, delta.size(0), w.size(0)),
                  false,
                  true,
                  1.0,
                  0.0)
              .reshape('c', batch, outSteps, k, channels);
      INDArray dx = Nd4j.zeros(type, batch, channels, steps);
      for (int m = 0; m < k; m++) {
        long[] range = rule.tapRange(steps, m);
        if (range != null) {
          rule.inputSteps(dx, range).addi(da.get(taps(range[0], range[1], m)).permute(0, 2, 1));
        }
      }
      return dx;
    }

    private INDArray delta3() {
      return delta.reshape('c', unfolded.size(0), unfolded.size(1), delta.size(1));
    }

    @Override
    public void addSquaredNorms(double[] squaredNorms) {
      SequenceAffine.addSquaredNorms(unfolded, delta3(), rule.config.hasBias(), squaredNorms);
    }

    @Override
    public long addClippedSum(ClipFactors clip, INDArray sum) {
      INDArray params = rule.site.parameters();
      INDArray w = rule.weightMatrix();
      // The 'c' block [k C, nOut] where params() keeps the weight.
      INDArray weightBlock = ParameterBlocks.matrix(sum, params, w);
      INDArray bias = rule.config.hasBias() ? rule.site.layer().getParam("b") : null;
      return SequenceAffine.addClippedSum(
          unfolded,
          delta3(),
          clip,
          weightBlock,
          bias == null ? null : ParameterBlocks.vector(sum, params, bias));
    }
  }
}

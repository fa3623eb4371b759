package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import java.util.Optional;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ConvolutionUtils;
import org.dp4j.core.internal.Checks;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Exact per-example clipping for convolutional networks: {@link ConvolutionLayer}s (2D, {@code
 * NCHW}, dilation 1, {@link ConvolutionMode} Truncate, Same or Strict, with or without bias, any
 * activation), parameter-free {@link SubsamplingLayer}s (max or average pooling) and {@link
 * DenseLayer}s, ending in an {@link OutputLayer} or a {@link LossLayer}, with the {@link
 * FeedForwardToCnnPreProcessor} and {@link CnnToFeedForwardPreProcessor} that DL4J inserts for
 * {@code InputType.convolutionalFlat(...)}. Networks of dense layers alone are supported too.
 *
 * <p>One batched forward pass and one batched backward pass give, for every layer, its input
 * {@code a} and its pre-activation output gradient {@code delta} per example (DL4J's own
 * preprocessors and pooling layers propagate the gradient; convolutions and dense layers are
 * computed here). Per-example gradient norms are then exact, layer by
 * layer:
 *
 * <ul>
 *   <li>dense or output layer {@code z = a W + b}: example {@code i}'s weight gradient is {@code
 *       a_i delta_i^T}, of Frobenius norm {@code ||a_i|| ||delta_i||} (ghost norm, Goodfellow 2015,
 *       "Efficient per-example gradient computations"), bias gradient {@code delta_i};
 *   <li>convolution: with {@code U_i} the example's unfolded input patches ({@code im2col}, {@code
 *       [T, K]}, {@code T = outH * outW}, {@code K = inC * kH * kW}) and {@code Delta_i} its
 *       pre-activation output gradients ({@code [T, outC]}), the weight gradient is {@code
 *       Delta_i^T U_i} ({@code [outC, K]}) and the bias gradient the column sums of {@code
 *       Delta_i} (Rochette, Manoel and Tramel 2019, "Efficient per-example gradient computations
 *       in convolutional neural networks", section 3). The {@code [B, outC, K]} per-example weight
 *       gradients are formed by one batched matrix product; their cost equals that of the
 *       non-private weight gradient. (The ghost norm of Lee and Kifer 2021 / Bu et al. 2022, of
 *       cost {@code T^2 (K + outC)} per example, pays off only when {@code T^2 < K outC}, which
 *       the supported small networks do not reach; it is not used.)
 * </ul>
 *
 * <p>{@code ||g_i||^2} is the sum of the layers' squared norms, accumulated in double. The clip
 * factors {@code c_i = min(1, C / ||g_i||)} carry the slack {@code 1 - 2^-20} of dp-training's
 * {@code FlatClipper} and of {@link GhostClipping}, which covers the float rounding of the
 * per-example products; examples whose norm is NaN or infinite are skipped (factor 0, their rows
 * zeroed, so {@code 0 * NaN} cannot leak) or reject the batch, as {@link
 * NonFiniteGradientPolicy} says. The clipped sum is {@code A^T diag(c) Delta} and {@code c^T
 * Delta} for dense layers and {@code c^T G} (the per-example weight and bias gradients {@code G})
 * for convolutions, written into the layout of {@link MultiLayerNetwork#params()} at the offsets
 * of each layer's {@code paramTable()} views (DL4J's {@code 'f'} order for dense weights, {@code
 * 'c'} order {@code [outC, inC, kH, kW]} for convolution weights).
 *
 * <p>Not supported (use {@link GradientMethod#BATCH_OF_ONE}): dropout, layer normalization,
 * masks, {@code NHWC} data, dilation other than 1, {@code Causal} mode, other pooling types,
 * subclasses of the supported layers (separable, depthwise, 1D, 3D, deconvolution) and any other
 * layer. Sets the input field of pooling layers (as DL4J's own forward pass does), never the
 * parameters. Not thread-safe.
 */
public final class LayerwiseClipping implements PerExampleClipping {

  private final MultiLayerNetwork network;

  LayerwiseClipping(MultiLayerNetwork network) {
    this.network = Checks.notNull("network", network);
  }

  /**
   * Layerwise clipping for {@code network}.
   *
   * @param network an initialised network of supported layers
   * @return the clipping
   * @throws IllegalArgumentException when a layer is not supported (the message names it)
   */
  public static LayerwiseClipping of(MultiLayerNetwork network) {
    Checks.notNull("network", network);
    String reason = unsupportedReason(network).orElse(null);
    Checks.require(reason == null, "network", "supported by layerwise clipping", reason);
    return new LayerwiseClipping(network);
  }

  /**
   * Why layerwise clipping cannot handle {@code network}, or empty when it can.
   *
   * @param network the network, not null
   * @return the reason naming the first unsupported layer and the rule it breaks
   */
  public static Optional<String> unsupportedReason(MultiLayerNetwork network) {
    Checks.notNull("network", network);
    MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
    int n = conf.getConfs().size();
    for (int i = 0; i < n; i++) {
      Layer layer = conf.getConf(i).getLayer();
      String name = "layer " + i + " (" + layer.getClass().getSimpleName() + ")";
      boolean last = i == n - 1;
      Class<?> type = layer.getClass();
      boolean supported = type == DenseLayer.class || type == ConvolutionLayer.class
          || type == SubsamplingLayer.class
          || (last && type == OutputLayer.class)
          || (last && i > 0 && type == LossLayer.class);
      if (!supported) {
        return Optional.of(name + " is not a ConvolutionLayer, a SubsamplingLayer, a DenseLayer, "
            + "a final OutputLayer or a final LossLayer after another layer");
      }
      if (layer.getIDropout() != null) {
        return Optional.of(name + " uses dropout");
      }
      if (layer instanceof DenseLayer dense && dense.hasLayerNorm()) {
        return Optional.of(name + " uses layer normalization");
      }
      if (layer instanceof ConvolutionLayer conv) {
        Optional<String> problem = convolutionProblem(name, conv);
        if (problem.isPresent()) {
          return problem;
        }
      }
      if (layer instanceof SubsamplingLayer pool) {
        if (pool.getPoolingType() != PoolingType.MAX && pool.getPoolingType() != PoolingType.AVG) {
          return Optional.of(name + " must use MAX or AVG pooling, got "
              + pool.getPoolingType());
        }
        if (pool.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
          return Optional.of(name + " must use the NCHW data format, got "
              + pool.getCnn2dDataFormat());
        }
      }
      InputPreProcessor pre = conf.getInputPreProcess(i);
      if (pre != null && pre.getClass() != FeedForwardToCnnPreProcessor.class
          && pre.getClass() != CnnToFeedForwardPreProcessor.class) {
        return Optional.of(name + " has an unsupported input preprocessor "
            + pre.getClass().getSimpleName() + " (only FeedForwardToCnnPreProcessor and "
            + "CnnToFeedForwardPreProcessor)");
      }
      if (pre instanceof CnnToFeedForwardPreProcessor flatten
          && flatten.getFormat() != CNN2DFormat.NCHW) {
        return Optional.of(name + " has a CnnToFeedForwardPreProcessor in format "
            + flatten.getFormat() + "; only NCHW is supported");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> convolutionProblem(String name, ConvolutionLayer conv) {
    int[] dilation = conv.getDilation();
    if (dilation != null && (dilation[0] != 1 || dilation[1] != 1)) {
      return Optional.of(name + " must have dilation 1, got " + Arrays.toString(dilation)
          + " (dilated convolutions are not supported; use BATCH_OF_ONE)");
    }
    ConvolutionMode mode = conv.getConvolutionMode();
    if (mode != ConvolutionMode.Truncate && mode != ConvolutionMode.Same
        && mode != ConvolutionMode.Strict) {
      return Optional.of(name + " must use ConvolutionMode Truncate, Same or Strict, got "
          + mode);
    }
    if (conv.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
      return Optional.of(name + " must use the NCHW data format, got "
          + conv.getCnn2dDataFormat());
    }
    return Optional.empty();
  }

  @Override
  public GradientMethod method() {
    return GradientMethod.LAYERWISE;
  }

  /**
   * The per-example gradient L2 norms of a batch (all parameters together).
   *
   * @param features the batch's features, leading dimension {@code B}, in the shape the network
   *     takes ({@code [B, H*W*C]} with a FeedForwardToCnn preprocessor, else {@code [B, C, H, W]}
   *     or {@code [B, nIn]})
   * @param labels {@code [B, nOut]}
   * @return {@code B} norms, NaN or infinite where the example's gradient is not finite
   * @throws IllegalArgumentException when the leading dimensions differ
   */
  public double[] perExampleNorms(INDArray features, INDArray labels) {
    return ClipFactors.norms(backward(features, labels).squaredNorms);
  }

  @Override
  public ClippedBatch clipAndSum(INDArray features, INDArray labels, double clipNorm,
      NonFiniteGradientPolicy policy) {
    Checks.positiveFinite("clipNorm", clipNorm);
    Checks.notNull("policy", policy);
    Pass pass = backward(features, labels);
    int batch = pass.batch;
    long parameters = network.numParams();
    ClipFactors clip = ClipFactors.of(pass.squaredNorms, clipNorm, policy,
        parameters + pass.layers.length);
    float[] factors = clip.factors();
    int clipped = clip.clipped();
    int within = clip.within();
    int nonFinite = clip.nonFinite();
    INDArray sum = Nd4j.zeros(DataType.FLOAT, 1, parameters);
    if (batch > 0) {
      INDArray c = Nd4j.createFromArray(factors).reshape(1, batch).castTo(pass.dataType);
      long params = 0;
      for (LayerGradients layer : pass.layers) {
        if (layer == null) {
          continue;
        }
        if (nonFinite > 0) { // skipped examples contribute exactly zero: 0 * NaN is NaN
          layer.zeroRows(factors);
        }
        params += layer.writeClippedSum(c, sum);
      }
      if (params != parameters) {
        throw new IllegalStateException("layerwise clipping laid out " + params
            + " parameters, the network has " + parameters);
      }
    }
    double meanLoss = batch == 0 ? Double.NaN : pass.lossSum / batch;
    return new ClippedBatch(new ClippedSum(sum, clipNorm, batch, clipped, within, nonFinite),
        meanLoss);
  }

  /** The forward and backward pass: per-layer gradient factors, squared norms and loss. */
  private Pass backward(INDArray features, INDArray labels) {
    int batch = BatchSize.of(features, labels);
    MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
    int layerCount = conf.getConfs().size();
    DataType type = network.params().dataType();
    Pass pass = new Pass(batch, type, layerCount);
    if (batch == 0) {
      return pass;
    }
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    INDArray[] inputs = new INDArray[layerCount];
    INDArray[] preOutputs = new INDArray[layerCount];
    ConvForward[] convolutions = new ConvForward[layerCount];
    INDArray a = features.castTo(type);
    for (int l = 0; l < layerCount; l++) {
      InputPreProcessor pre = conf.getInputPreProcess(l);
      if (pre != null) {
        a = pre.preProcess(a, batch, mgr);
      }
      inputs[l] = a;
      Layer confLayer = conf.getConf(l).getLayer();
      org.deeplearning4j.nn.api.Layer layer = network.getLayer(l);
      if (confLayer instanceof LossLayer) {
        break;
      } else if (confLayer instanceof ConvolutionLayer conv) {
        Checks.require(a.rank() == 4, "features.shape()", "a [B, C, H, W] input to layer " + l
            + " (or flat rows with a FeedForwardToCnn preprocessor)", Arrays.toString(a.shape()));
        ConvForward forward = convForward(conv, layer, a);
        convolutions[l] = forward;
        preOutputs[l] = forward.preOutput;
        a = conv.getActivationFn().getActivation(forward.preOutput.dup(), true);
      } else if (confLayer instanceof SubsamplingLayer) {
        a = layer.activate(a, true, mgr);
      } else {
        INDArray z = a.mmul(layer.getParam("W"));
        INDArray b = layer.getParam("b");
        if (b != null) {
          z.addiRowVector(b);
        }
        preOutputs[l] = z;
        if (confLayer instanceof OutputLayer) {
          break;
        }
        a = ((BaseLayer) confLayer).getActivationFn().getActivation(z.dup(), true);
      }
    }
    // Loss and its gradient.
    int last = layerCount - 1;
    BaseLayer lastConf = (BaseLayer) conf.getConf(last).getLayer();
    ILossFunction loss = lastConf instanceof OutputLayer output ? output.getLossFn()
        : ((LossLayer) lastConf).getLossFn();
    IActivation outputActivation = lastConf.getActivationFn();
    INDArray lossInput = lastConf instanceof OutputLayer ? preOutputs[last] : inputs[last];
    INDArray typedLabels = labels.castTo(type);
    INDArray scores = loss.computeScoreArray(typedLabels, lossInput.dup(), outputActivation,
        null);
    pass.lossSum = scores.sumNumber().doubleValue();
    INDArray gradient = loss.computeGradient(typedLabels, lossInput.dup(), outputActivation,
        null);
    // gradient: dL/dz of the output layer, or dL/d(input) of the loss layer.
    INDArray epsilon = null; // dL/d(output activation) of layer l
    for (int l = last; l >= 0; l--) {
      Layer confLayer = conf.getConf(l).getLayer();
      org.deeplearning4j.nn.api.Layer layer = network.getLayer(l);
      INDArray below; // dL/d(input of layer l), before the preprocessor's backprop
      if (confLayer instanceof LossLayer) {
        below = gradient;
      } else if (confLayer instanceof SubsamplingLayer) {
        below = l == 0 ? null : layer.backpropGradient(epsilon, mgr).getSecond();
      } else if (confLayer instanceof ConvolutionLayer conv) {
        INDArray delta = conv.getActivationFn().backprop(preOutputs[l].dup(), epsilon.dup())
            .getFirst();
        // [B, outC, outH, outW] -> [B * T, outC], rows in (b, oh, ow) order like the columns.
        long outC = delta.size(1);
        INDArray deltas = delta.permute(0, 2, 3, 1).dup('c').reshape('c', delta.size(0)
            * delta.size(2) * delta.size(3), outC);
        ConvForward forward = convolutions[l];
        pass.layers[l] = ConvGradients.of(forward.columns, deltas, layer, network.params(),
            conv.hasBias(), batch);
        below = l == 0 ? null : inputGradient(conv, layer, forward, deltas);
      } else {
        INDArray delta = confLayer instanceof OutputLayer ? gradient
            : ((BaseLayer) confLayer).getActivationFn().backprop(preOutputs[l].dup(),
                epsilon.dup()).getFirst();
        pass.layers[l] = new DenseGradients(inputs[l], delta, layer, network.params());
        below = l == 0 ? null : delta.mmul(layer.getParam("W").transpose());
      }
      if (l == 0) {
        break;
      }
      InputPreProcessor pre = conf.getInputPreProcess(l);
      epsilon = pre == null ? below : pre.backprop(below, batch, mgr);
    }
    for (LayerGradients layer : pass.layers) {
      if (layer != null) {
        layer.addSquaredNorms(pass.squaredNorms);
      }
    }
    return pass;
  }

  /**
   * The convolution's pre-activation output {@code z} ({@code [B, outC, outH, outW]}) and the
   * unfolded input {@code U} ({@code [B * outH * outW, inC * kH * kW]}, rows in {@code (b, oh,
   * ow)} order, columns in {@code (ic, kh, kw)} order), computed as DL4J's {@code
   * ConvolutionLayer} does (im2col and one matrix product, Chellapilla et al. 2006).
   */
  private static ConvForward convForward(ConvolutionLayer conv,
      org.deeplearning4j.nn.api.Layer layer, INDArray input) {
    int[] kernel = conv.getKernelSize();
    int[] strides = conv.getStride();
    int[] dilation = {1, 1};
    ConvolutionMode mode = conv.getConvolutionMode();
    INDArray weights = layer.getParam("W"); // [outC, inC, kH, kW]
    long batch = input.size(0);
    long inC = input.size(1);
    Checks.require(inC == weights.size(1), "input channels of " + conv.getClass()
        .getSimpleName(), "equal to nIn " + weights.size(1), inC);
    int[] outSize;
    int[] pad;
    if (mode == ConvolutionMode.Same) {
      outSize = ConvolutionUtils.getOutputSize(input, kernel, strides, null, mode, dilation,
          CNN2DFormat.NCHW);
      pad = ConvolutionUtils.getSameModeTopLeftPadding(outSize,
          new int[] {(int) input.size(2), (int) input.size(3)}, kernel, strides, dilation);
    } else {
      pad = conv.getPadding();
      outSize = ConvolutionUtils.getOutputSize(input, kernel, strides, pad, mode, dilation,
          CNN2DFormat.NCHW);
    }
    int outH = outSize[0];
    int outW = outSize[1];
    long outC = weights.size(0);
    int kH = kernel[0];
    int kW = kernel[1];
    INDArray col = Nd4j.createUninitialized(weights.dataType(),
        new long[] {batch, outH, outW, inC, kH, kW}, 'c');
    INDArray col2 = col.permute(0, 3, 4, 5, 1, 2);
    Convolution.im2col(input.castTo(weights.dataType()), kH, kW, strides[0], strides[1], pad[0],
        pad[1], dilation[0], dilation[1], mode == ConvolutionMode.Same, col2);
    INDArray columns = col.reshape('c', batch * outH * outW, inC * kH * kW);
    // W[o, ic, kh, kw] as [K, outC] with K in (ic, kh, kw) order.
    INDArray weightMatrix = weights.reshape('c', outC, inC * kH * kW).transpose();
    INDArray z = columns.mmul(weightMatrix);
    INDArray b = layer.getParam("b");
    if (conv.hasBias() && b != null) {
      z.addiRowVector(b.reshape(1, outC));
    }
    INDArray preOutput = z.reshape('c', batch, outH, outW, outC).permute(0, 3, 1, 2);
    return new ConvForward(columns, preOutput, pad, input.shape(), outH, outW);
  }

  /**
   * The gradient with respect to a convolution's input: the transposed convolution of the
   * pre-activation gradients, {@code col2im(Delta W)} (the adjoint of {@code im2col}, as in
   * DL4J's own backward pass).
   */
  private static INDArray inputGradient(ConvolutionLayer conv,
      org.deeplearning4j.nn.api.Layer layer, ConvForward forward, INDArray deltas) {
    INDArray weights = layer.getParam("W"); // [outC, inC, kH, kW]
    long outC = weights.size(0);
    long inC = weights.size(1);
    int kH = (int) weights.size(2);
    int kW = (int) weights.size(3);
    long[] in = forward.inputShape;
    INDArray columnGradients = deltas.mmul(weights.reshape('c', outC, inC * kH * kW));
    INDArray col = columnGradients.reshape('c', in[0], forward.outH, forward.outW, inC, kH, kW)
        .permute(0, 3, 4, 5, 1, 2);
    int[] strides = conv.getStride();
    return Convolution.col2im(col, strides[0], strides[1], forward.pad[0], forward.pad[1],
        (int) in[2], (int) in[3]);
  }

  private record ConvForward(INDArray columns, INDArray preOutput, int[] pad, long[] inputShape,
      int outH, int outW) {}

  /** The offset of a parameter view in {@code params()}, checked to be one contiguous block. */
  private static long offsetIn(INDArray params, INDArray view) {
    long offset = view.offset() - params.offset();
    if (offset < 0 || offset + view.length() > params.length()) {
      throw new IllegalStateException("parameter view at " + view.offset() + " is not inside "
          + "params()");
    }
    return offset;
  }

  /** Writes {@code gradient} (shaped like {@code view}) into {@code sum} where {@code view} is. */
  private static long write(INDArray sum, INDArray params, INDArray view, INDArray gradient) {
    long offset = offsetIn(params, view);
    long length = view.length();
    INDArray flat = Nd4j.toFlattened(view.ordering(), gradient.reshape(view.ordering(),
        view.shape()));
    sum.get(NDArrayIndex.point(0), NDArrayIndex.interval(offset, offset + length))
        .assign(flat.castTo(DataType.FLOAT));
    return length;
  }

  /** What one parametric layer contributes to the norms and to the clipped sum. */
  private interface LayerGradients {
    void addSquaredNorms(double[] squared);

    void zeroRows(float[] factors);

    /** Writes the clipped sum; returns the number of parameters written. */
    long writeClippedSum(INDArray factorsRow, INDArray sum);
  }

  /** Dense or output layer: ghost norms {@code (||a_i||^2 + [bias]) ||delta_i||^2}. */
  private static final class DenseGradients implements LayerGradients {
    private INDArray input;
    private final INDArray delta;
    private final INDArray weightView;
    private final INDArray biasView;
    private final INDArray params;

    DenseGradients(INDArray input, INDArray delta, org.deeplearning4j.nn.api.Layer layer,
        INDArray params) {
      this.input = input;
      this.delta = delta.dup();
      this.weightView = layer.getParam("W");
      this.biasView = layer.getParam("b");
      this.params = params;
    }

    @Override
    public void addSquaredNorms(double[] squared) {
      double[] aSq = GhostClipping.rowSquaredNorms(input);
      double[] dSq = GhostClipping.rowSquaredNorms(delta);
      double biasTerm = biasView != null ? 1.0 : 0.0;
      for (int i = 0; i < squared.length; i++) {
        squared[i] += (aSq[i] + biasTerm) * dSq[i];
      }
    }

    @Override
    public void zeroRows(float[] factors) {
      input = input.dup();
      for (int i = 0; i < factors.length; i++) {
        if (factors[i] == 0f) {
          input.getRow(i).assign(0);
          delta.getRow(i).assign(0);
        }
      }
    }

    @Override
    public long writeClippedSum(INDArray factorsRow, INDArray sum) {
      INDArray scaled = delta.mulColumnVector(factorsRow.reshape(factorsRow.length(), 1));
      long written = write(sum, params, weightView, input.transpose().mmul(scaled));
      if (biasView != null) {
        written += write(sum, params, biasView, factorsRow.mmul(delta));
      }
      return written;
    }
  }

  /**
   * Convolution: per-example weight gradients {@code G_i = Delta_i^T U_i} ({@code [B, outC,
   * K]}) by one batched product, per-example bias gradients {@code 1^T Delta_i}.
   */
  private static final class ConvGradients implements LayerGradients {
    private final INDArray weightGradients; // [B, outC * K]
    private final INDArray biasGradients; // [B, outC] or null
    private final INDArray weightView;
    private final INDArray biasView;
    private final INDArray params;

    private ConvGradients(INDArray weightGradients, INDArray biasGradients, INDArray weightView,
        INDArray biasView, INDArray params) {
      this.weightGradients = weightGradients;
      this.biasGradients = biasGradients;
      this.weightView = weightView;
      this.biasView = biasView;
      this.params = params;
    }

    static ConvGradients of(INDArray columns, INDArray deltaRows,
        org.deeplearning4j.nn.api.Layer layer, INDArray params, boolean hasBias, int batch) {
      long outC = deltaRows.size(1);
      long positions = deltaRows.size(0) / batch;
      long k = columns.size(1);
      INDArray deltas = deltaRows.reshape('c', batch, positions, outC);
      INDArray patches = columns.reshape('c', batch, positions, k);
      INDArray weights = Nd4j.matmul(deltas, patches, true, false, false) // [B, outC, K]
          .reshape('c', batch, outC * k);
      INDArray bias = hasBias ? deltas.sum(1).reshape(batch, outC) : null;
      return new ConvGradients(weights, bias, layer.getParam("W"),
          hasBias ? layer.getParam("b") : null, params);
    }

    @Override
    public void addSquaredNorms(double[] squared) {
      double[] w = GhostClipping.rowSquaredNorms(weightGradients);
      double[] b = biasGradients == null ? null : GhostClipping.rowSquaredNorms(biasGradients);
      for (int i = 0; i < squared.length; i++) {
        squared[i] += w[i] + (b == null ? 0.0 : b[i]);
      }
    }

    @Override
    public void zeroRows(float[] factors) {
      for (int i = 0; i < factors.length; i++) {
        if (factors[i] == 0f) {
          weightGradients.getRow(i).assign(0);
          if (biasGradients != null) {
            biasGradients.getRow(i).assign(0);
          }
        }
      }
    }

    @Override
    public long writeClippedSum(INDArray factorsRow, INDArray sum) {
      // c^T G: [1, outC * K] in 'c' order = W[o, ic, kh, kw].
      long written = write(sum, params, weightView, factorsRow.mmul(weightGradients));
      if (biasGradients != null) {
        written += write(sum, params, biasView, factorsRow.mmul(biasGradients));
      }
      return written;
    }
  }

  private static final class Pass {
    final int batch;
    final DataType dataType;
    final LayerGradients[] layers;
    final double[] squaredNorms;
    double lossSum;

    Pass(int batch, DataType dataType, int layerCount) {
      this.batch = batch;
      this.dataType = dataType;
      this.layers = new LayerGradients[layerCount];
      this.squaredNorms = new double[batch];
    }
  }
}

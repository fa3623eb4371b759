package org.dp4j.dl4j.gradients;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.internal.Checks;
import org.dp4j.training.clipping.ClippedSum;
import org.dp4j.training.clipping.NonFiniteGradientPolicy;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Ghost clipping for networks of {@link DenseLayer}s (optionally after a first {@link
 * EmbeddingLayer}) ending in an {@link OutputLayer} (or a {@link LossLayer} after a dense layer), with any activation and loss function DL4J supports
 * for them: exact per-example gradient norms and the clipped sum without materialising the
 * per-example gradients (Goodfellow 2015, "Efficient per-example gradient computations"; Li et
 * al. 2022, "Large language models can be strong differentially private learners", section 4).
 *
 * <p>For a dense layer {@code z = a W + b} with input rows {@code a_i} and output gradients
 * {@code delta_i = dL_i/dz_i}, example {@code i}'s weight gradient is the outer product {@code
 * a_i delta_i^T}, whose Frobenius norm is {@code ||a_i|| ||delta_i||}; its bias gradient is
 * {@code delta_i}. So {@code ||g_i||^2 = sum over layers of (||a_i||^2 + [bias]) ||delta_i||^2},
 * and with clip factors {@code c_i = min(1, C / ||g_i||)} the clipped sum of the weight gradients
 * is {@code A^T diag(c) Delta} and of the biases {@code c^T Delta}: one extra matrix product per
 * layer, like the non-private backward pass.
 *
 * <p>The forward and backward passes are computed here from DL4J's own activation and loss
 * functions ({@link IActivation#backprop}, {@link ILossFunction#computeGradient}), which give
 * per-example (summed, not averaged) gradients. Norms are accumulated in double; the clip factor
 * carries the same slack {@code 1 - 2^-20} as dp-training's {@code FlatClipper}, which covers
 * the float rounding of the per-example products. The result is laid out as {@code params()}:
 * per layer {@code W} ({@code [nIn, nOut]}, flattened in DL4J's {@code 'f'} order) then {@code
 * b}.
 *
 * <p>Cost: one forward pass, the backward pass of the deltas (no input gradient for the first
 * layer), row norms of the layer inputs and deltas read straight from the host buffers of {@code
 * FLOAT}/{@code DOUBLE} {@code 'c'} arrays, and per layer one gemm {@code A^T (diag(c) Delta)}
 * written directly into the column-major weight block of the returned sum (no flatten copy) plus
 * the column sums of {@code diag(c) Delta} written into the bias block. Every call returns a fresh
 * sum; nothing is cached between calls, so batch sizes may change freely.
 *
 * <p>An {@link EmbeddingLayer} ({@code [B, 1]} integer indices) is the dense layer {@code
 * onehot(idx) W + b}: its input is expanded to one-hot rows ({@code B x vocabulary} memory) and
 * the same formulas apply.
 *
 * <p>Not supported (use {@link GradientMethod#BATCH_OF_ONE}): dropout, input preprocessors,
 * layer normalization, masks, and any other layer type. Not thread-safe (it reads the network's
 * current parameters; it never changes them).
 */
public final class GhostClipping implements PerExampleClipping {

  private final MultiLayerNetwork network;

  GhostClipping(MultiLayerNetwork network) {
    this.network = Checks.notNull("network", network);
  }

  /**
   * Ghost clipping for {@code network}.
   *
   * @param network an initialised network of supported layers
   * @return the clipping
   * @throws IllegalArgumentException when a layer is not supported (the message names it)
   */
  public static GhostClipping of(MultiLayerNetwork network) {
    Checks.notNull("network", network);
    String reason = unsupportedReason(network).orElse(null);
    Checks.require(reason == null, "network", "supported by ghost clipping", reason);
    return new GhostClipping(network);
  }

  /**
   * Why ghost clipping cannot handle {@code network}, or empty when it can.
   *
   * @param network the network, not null
   * @return the reason naming the first unsupported layer
   */
  public static Optional<String> unsupportedReason(MultiLayerNetwork network) {
    Checks.notNull("network", network);
    MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
    int n = conf.getConfs().size();
    for (int i = 0; i < n; i++) {
      Layer layer = conf.getConf(i).getLayer();
      String name = "layer " + i + " (" + layer.getClass().getSimpleName() + ")";
      boolean last = i == n - 1;
      boolean supported = layer.getClass() == DenseLayer.class
          || (i == 0 && !last && layer.getClass() == EmbeddingLayer.class)
          || (last && layer.getClass() == OutputLayer.class)
          || (last && i > 0 && layer.getClass() == LossLayer.class);
      if (!supported) {
        return Optional.of(name + " is not a DenseLayer, a first EmbeddingLayer, a final "
            + "OutputLayer or a final LossLayer after a dense layer");
      }
      if (layer instanceof DenseLayer dense && dense.hasLayerNorm()) {
        return Optional.of(name + " uses layer normalization");
      }
      if (layer.getIDropout() != null) {
        return Optional.of(name + " uses dropout");
      }
      if (conf.getInputPreProcess(i) != null) {
        return Optional.of(name + " has an input preprocessor");
      }
    }
    return Optional.empty();
  }

  @Override
  public GradientMethod method() {
    return GradientMethod.GHOST;
  }

  /**
   * The per-example gradient L2 norms of a batch (all parameters together).
   *
   * @param features {@code [B, nIn]}
   * @param labels {@code [B, nOut]}
   * @return {@code B} norms, NaN or infinite where the example's gradient is not finite
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
        parameters + pass.inputs.size());
    float[] factors = clip.factors();
    int clipped = clip.clipped();
    int within = clip.within();
    int nonFinite = clip.nonFinite();
    INDArray sum = Nd4j.zeros(DataType.FLOAT, 1, parameters);
    if (batch > 0) {
      INDArray c = Nd4j.createFromArray(factors).reshape(batch, 1).castTo(pass.dataType);
      long offset = 0;
      for (int l = 0; l < pass.inputs.size(); l++) {
        INDArray a = pass.inputs.get(l);
        INDArray delta = pass.deltas.get(l); // owned by the pass: scaled in place
        // Skipped (non-finite) examples must contribute exactly zero: 0 * NaN is NaN.
        if (nonFinite > 0) {
          for (int i = 0; i < batch; i++) {
            if (factors[i] == 0f) {
              delta.getRow(i).assign(0);
              a = a == pass.inputs.get(l) ? a.dup() : a;
              a.getRow(i).assign(0);
            }
          }
        }
        delta.muliColumnVector(c);
        long nIn = a.size(1);
        long nOut = delta.size(1);
        // A^T diag(c) Delta ([nIn, nOut]) written by one gemm straight into its place in the
        // sum, which holds W in DL4J's 'f' order: a column-major [nIn, nOut] view.
        INDArray weightView = Nd4j.create(sum.data(), new long[] {nIn, nOut},
            new long[] {1, nIn}, offset, 'f');
        if (pass.dataType == DataType.FLOAT) {
          Nd4j.gemm(a, delta, weightView, true, false, 1.0, 0.0);
        } else {
          weightView.assign(Nd4j.gemm(a, delta, true, false).castTo(DataType.FLOAT));
        }
        offset += nIn * nOut;
        if (pass.hasBias.get(l)) {
          // c^T Delta: the column sums of the scaled deltas.
          INDArray biasView = Nd4j.create(sum.data(), new long[] {nOut}, new long[] {1}, offset,
              'c');
          if (pass.dataType == DataType.FLOAT) {
            delta.sum(biasView, 0);
          } else {
            biasView.assign(delta.sum(0).castTo(DataType.FLOAT));
          }
          offset += nOut;
        }
      }
      if (offset != parameters) {
        throw new IllegalStateException("ghost clipping laid out " + offset + " parameters, the "
            + "network has " + parameters);
      }
    }
    double meanLoss = batch == 0 ? Double.NaN : pass.lossSum / batch;
    return new ClippedBatch(new ClippedSum(sum, clipNorm, batch, clipped, within, nonFinite),
        meanLoss);
  }

  /** The forward and backward pass: layer inputs, output gradients, squared norms, loss. */
  private Pass backward(INDArray features, INDArray labels) {
    Checks.notNull("features", features);
    Checks.notNull("labels", labels);
    Checks.require(features.rank() == 2, "features.rank()", "2 ([B, nIn])", features.rank());
    int batch = BatchSize.of(features, labels);
    MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
    int layerCount = conf.getConfs().size();
    DataType type = network.params().dataType();
    Pass pass = new Pass(batch, type);
    if (batch == 0) {
      return pass;
    }
    INDArray a = features.castTo(type);
    if (conf.getConf(0).getLayer() instanceof EmbeddingLayer embedding) {
      a = oneHot(features, embedding.getNIn(), type);
    }
    List<INDArray> preOutputs = new ArrayList<>();
    List<INDArray> weights = new ArrayList<>();
    List<IActivation> activations = new ArrayList<>();
    ILossFunction loss = null;
    IActivation outputActivation = null;
    INDArray outputPreActivation = null;
    for (int l = 0; l < layerCount; l++) {
      Layer confLayer = conf.getConf(l).getLayer();
      BaseLayer base = (BaseLayer) confLayer;
      if (confLayer instanceof LossLayer lossLayer) { // no parameters: loss on its input
        loss = lossLayer.getLossFn();
        outputActivation = base.getActivationFn();
        outputPreActivation = a;
        break;
      }
      org.deeplearning4j.nn.api.Layer layer = network.getLayer(l);
      INDArray w = layer.getParam("W");
      INDArray b = layer.getParam("b");
      // gemm into a fresh result: cheaper than mmul's general path (measured in
      // TrainingStepBenchmark.clipOnly).
      INDArray z = Nd4j.gemm(a, w, Nd4j.createUninitialized(type, batch, w.size(1)), false,
          false, 1.0, 0.0);
      if (b != null) {
        z.addiRowVector(b);
      }
      pass.inputs.add(a);
      pass.hasBias.add(b != null);
      weights.add(w);
      preOutputs.add(z);
      activations.add(base.getActivationFn());
      if (confLayer instanceof OutputLayer output) {
        loss = output.getLossFn();
        outputActivation = base.getActivationFn();
        outputPreActivation = z;
        break;
      }
      a = base.getActivationFn().getActivation(z.dup(), true);
    }
    INDArray typedLabels = labels.castTo(type);
    INDArray scores = loss.computeScoreArray(typedLabels, outputPreActivation.dup(),
        outputActivation, null);
    pass.lossSum = scores.sumNumber().doubleValue();
    // Last use of the output pre-activation (a dense layer's own z or activation, never the
    // caller's features): computeGradient may overwrite it.
    INDArray gradient = loss.computeGradient(typedLabels, outputPreActivation, outputActivation,
        null);
    int last = pass.inputs.size() - 1;
    boolean outputIsParametric = conf.getConf(layerCount - 1).getLayer() instanceof OutputLayer;
    // gradient is dL/dz of the output layer, or dL/d(activation of the last dense layer).
    INDArray epsilon = gradient;
    INDArray[] deltas = new INDArray[pass.inputs.size()];
    for (int l = last; l >= 0; l--) {
      INDArray delta = (l == last && outputIsParametric)
          ? epsilon
          // Last use of the pre-activation: backprop may overwrite it.
          : activations.get(l).backprop(preOutputs.get(l), epsilon).getFirst();
      deltas[l] = delta;
      if (l > 0) {
        INDArray w = weights.get(l); // epsilon = Delta W^T, transposed by the gemm flag
        epsilon = Nd4j.gemm(delta, w, Nd4j.createUninitialized(type, batch, w.size(0)), false,
            true, 1.0, 0.0);
      }
    }
    double[] squared = pass.squaredNorms;
    for (int l = 0; l <= last; l++) {
      pass.deltas.add(deltas[l]);
      double[] aSq = rowSquaredNorms(pass.inputs.get(l));
      double[] dSq = rowSquaredNorms(deltas[l]);
      double biasTerm = pass.hasBias.get(l) ? 1.0 : 0.0;
      for (int i = 0; i < batch; i++) {
        squared[i] += (aSq[i] + biasTerm) * dSq[i];
      }
    }
    return pass;
  }

  /**
   * The one-hot rows of an embedding layer's {@code [B, 1]} index input: the embedding lookup
   * {@code W[idx_i] + b} is the dense layer {@code onehot(idx_i) W + b}, so the dense formulas
   * apply unchanged (per-example weight-gradient norm {@code ||delta_i||}).
   */
  private static INDArray oneHot(INDArray indices, long vocabulary, DataType type) {
    Checks.require(indices.size(1) == 1 && indices.rank() == 2, "features.shape()",
        "[B, 1] (one index per example) for an EmbeddingLayer", java.util.Arrays.toString(
            indices.shape()));
    double[] ids = indices.castTo(DataType.DOUBLE).reshape(indices.size(0)).toDoubleVector();
    INDArray out = Nd4j.zeros(type, ids.length, vocabulary);
    for (int i = 0; i < ids.length; i++) {
      double id = ids[i];
      Checks.require(id >= 0 && id < vocabulary && id == Math.rint(id), "features[" + i + "]",
          "an integer index in [0, " + vocabulary + ")", id);
      out.putScalar(i, (long) id, 1.0);
    }
    return out;
  }

  /**
   * Row-wise sums of squares, accumulated in double. Host {@code 'c'}-contiguous {@code FLOAT} or
   * {@code DOUBLE} matrices (the usual case) are read straight from their buffer; anything else
   * is cast to a double copy first. A NaN or infinite entry gives a NaN or infinite sum.
   */
  static double[] rowSquaredNorms(INDArray matrix) {
    int rows = Math.toIntExact(matrix.size(0));
    int columns = Math.toIntExact(matrix.size(1));
    double[] out = new double[rows];
    if (rows == 0 || columns == 0) {
      return out;
    }
    boolean contiguous = Nd4j.getEnvironment().isCPU() && matrix.ordering() == 'c'
        && Shape.hasDefaultStridesForShape(matrix) && !matrix.isView();
    if (contiguous && matrix.dataType() == DataType.FLOAT) {
      FloatBuffer buffer = matrix.data().asNioFloat();
      int base = Math.toIntExact(matrix.offset());
      float[] row = new float[columns];
      for (int i = 0; i < rows; i++) {
        buffer.get(base + i * columns, row); // absolute bulk get (Java 13+)
        double s = 0;
        for (float v : row) {
          s += (double) v * v;
        }
        out[i] = s;
      }
      return out;
    }
    if (contiguous && matrix.dataType() == DataType.DOUBLE) {
      DoubleBuffer buffer = matrix.data().asNioDouble();
      int base = Math.toIntExact(matrix.offset());
      double[] row = new double[columns];
      for (int i = 0; i < rows; i++) {
        buffer.get(base + i * columns, row);
        double s = 0;
        for (double v : row) {
          s += v * v;
        }
        out[i] = s;
      }
      return out;
    }
    INDArray d = matrix.castTo(DataType.DOUBLE);
    return d.mul(d).sum(1).toDoubleVector();
  }

  private static final class Pass {
    final int batch;
    final DataType dataType;
    final List<INDArray> inputs = new ArrayList<>();
    final List<INDArray> deltas = new ArrayList<>();
    final List<Boolean> hasBias = new ArrayList<>();
    final double[] squaredNorms;
    double lossSum;

    Pass(int batch, DataType dataType) {
      this.batch = batch;
      this.dataType = dataType;
      this.squaredNorms = new double[batch];
    }
  }
}

package org.dp4j.dl4j.gradients;

import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The pass of a dense-type layer {@code z = a W + b} (DenseLayer, OutputLayer, and EmbeddingLayer
 * on one-hot rows) with ghost norms (Goodfellow 2015, "Efficient per-example gradient
 * computations"; Li et al. 2022, "Large language models can be strong differentially private
 * learners", section 4).
 *
 * <p>With input rows {@code a_i} and pre-activation gradients {@code delta_i = dL_i/dz_i}, example
 * {@code i}'s weight gradient is the outer product {@code a_i delta_i^T}, of Frobenius norm {@code
 * ||a_i|| ||delta_i||}, and its bias gradient is {@code delta_i}; so its squared norm is {@code
 * (||a_i||^2 + [bias]) ||delta_i||^2}, and with clip factors {@code c} the clipped sums are {@code
 * A^T diag(c) Delta} and {@code c^T Delta}: one extra matrix product, like the non-private pass.
 *
 * <p>Cost choices, measured in {@code TrainingStepBenchmark.clipOnly}: the products are {@code
 * Nd4j.gemm} calls with transpose flags into fresh results (a {@code mmul} of transposed views
 * costs about twice as much); the clipped weight sum is written by one gemm straight into the
 * {@code 'f'} block of the sum where {@code params()} keeps {@code W}; a pre-activation is not
 * copied on its last use.
 */
final class AffinePass implements LayerRule.Pass {

  private final LayerSite site;
  private final INDArray weights;
  private final INDArray bias;
  private final INDArray input;
  private final INDArray preOutput; // null when the tanh kernel works from the output
  private final IActivation activation;
  private final INDArray output;
  private INDArray delta;

  private AffinePass(
      LayerSite site,
      INDArray weights,
      INDArray bias,
      INDArray input,
      INDArray preOutput,
      IActivation activation,
      INDArray output) {
    this.site = site;
    this.weights = weights;
    this.bias = bias;
    this.input = input;
    this.preOutput = preOutput;
    this.activation = activation;
    this.output = output;
  }

  /**
   * The forward pass {@code z = a W + b}, then {@code activation(z)}.
   *
   * @param site the layer, with parameters {@code W} ({@code [nIn, nOut]}) and optional {@code b}
   * @param input {@code a}, {@code [B, nIn]}; not modified
   * @param activation the layer's activation, or null when the output is {@code z} itself (an
   *     output layer, whose activation the loss applies)
   */
  static AffinePass forward(LayerSite site, INDArray input, IActivation activation) {
    String name = site.first() ? "features.rank()" : "the input rank of " + site.label();
    Checks.require(input.rank() == 2, name, "2 ([B, nIn])", input.rank());
    DataType type = site.dataType();
    INDArray a = input.castTo(type);
    INDArray w = site.layer().getParam("W");
    INDArray b = site.layer().getParam("b");
    INDArray z =
        Nd4j.gemm(
            a, w, Nd4j.createUninitialized(type, a.size(0), w.size(1)), false, false, 1.0, 0.0);
    if (b != null) {
      z.addiRowVector(b);
    }
    INDArray out;
    if (activation == null) {
      out = z;
    } else if (TanhKernel.handles(activation) && type == DataType.FLOAT && HostFloats.onHost()) {
      out = TanhKernel.apply(z);
      return new AffinePass(site, w, b, a, null, activation, out);
    } else {
      out = activation.getActivation(z.dup(), true);
    }
    return new AffinePass(site, w, b, a, z, activation, out);
  }

  @Override
  public INDArray output() {
    return output;
  }

  @Override
  public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
    if (activation == null) {
      delta = outputGradient;
    } else if (preOutput == null) { // tanh on the host: 1 - y^2 from the output
      delta = TanhKernel.backward(output, outputGradient);
    } else { // last use of the pre-activation: backprop may overwrite it
      delta = activation.backprop(preOutput, outputGradient).getFirst();
    }
    if (!inputGradientNeeded) {
      return null;
    }
    // Delta W^T, transposed by the gemm flag.
    return Nd4j.gemm(
        delta,
        weights,
        Nd4j.createUninitialized(site.dataType(), delta.size(0), weights.size(0)),
        false,
        true,
        1.0,
        0.0);
  }

  @Override
  public void addSquaredNorms(double[] squaredNorms) {
    double[] aSq = RowNorms.squared(input);
    double[] dSq = RowNorms.squared(delta);
    double biasTerm = bias != null ? 1.0 : 0.0;
    for (int i = 0; i < squaredNorms.length; i++) {
      squaredNorms[i] += (aSq[i] + biasTerm) * dSq[i];
    }
  }

  @Override
  public long addClippedSum(ClipFactors clip, INDArray sum) {
    DataType type = site.dataType();
    INDArray a = input;
    if (clip.anySkipped()) { // the input may be the caller's features: zero a copy
      a = input.dup();
      clip.zeroSkippedRows(a);
      clip.zeroSkippedRows(delta);
    }
    delta.muliColumnVector(clip.column(type));
    INDArray params = site.parameters();
    INDArray weightBlock = ParameterBlocks.matrix(sum, params, weights);
    if (type == DataType.FLOAT) {
      Nd4j.gemm(a, delta, weightBlock, true, false, 1.0, 0.0);
    } else {
      weightBlock.assign(Nd4j.gemm(a, delta, true, false).castTo(DataType.FLOAT));
    }
    long written = weights.length();
    if (bias != null) {
      // c^T Delta: the column sums of the scaled deltas.
      INDArray biasBlock = ParameterBlocks.vector(sum, params, bias);
      if (type == DataType.FLOAT) {
        delta.sum(biasBlock, 0);
      } else {
        biasBlock.assign(delta.sum(0).castTo(DataType.FLOAT));
      }
      written += bias.length();
    }
    return written;
  }
}

package org.dp4j.dl4j.gradients;

import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LayerNorm;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LayerNormBp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Standardize;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The pass of a {@code DenseLayer} with layer normalization (Ba, Kiros and Hinton 2016, "Layer
 * normalization", eq. 4), as DL4J computes it ({@code BaseLayer.preOutputWithPreNorm}): {@code p =
 * a W}, {@code z = g * standardize(p) + b} (per example, over its {@code nOut} units; gain {@code
 * g}, DL4J's parameter {@code "g"}), {@code y = activation(z)}. The normalization and its backward
 * pass are DL4J's own ops ({@code layer_norm}, {@code standardize}, {@code layer_norm_bp}), which
 * work on each row alone.
 *
 * <p>With {@code delta_i = dL_i/dz_i} and {@code pi_i = dL_i/dp_i} (the layer-norm backward pass of
 * {@code delta_i}), example {@code i}'s gradients are {@code a_i pi_i^T} for {@code W} (an outer
 * product, so ghost norms apply: {@code ||a_i||^2 ||pi_i||^2}, Goodfellow 2015), {@code delta_i}
 * for {@code b} and {@code delta_i * xhat_i} for {@code g} ({@code xhat_i = standardize(p_i)}); its
 * squared norm is the sum of the three, and the clipped sums are {@code A^T diag(c) Pi}, {@code c^T
 * Delta} and {@code c^T (Delta * Xhat)}.
 */
final class LayerNormDensePass implements LayerRule.Pass {

  private final LayerSite site;
  private final INDArray weights;
  private final INDArray bias;
  private final INDArray gain;
  private final INDArray input;
  private final INDArray preNorm;
  private final INDArray standardized;
  private final INDArray preOutput;
  private final IActivation activation;
  private final INDArray output;
  private INDArray delta; // dL/dz
  private INDArray preNormDelta; // dL/dp
  private INDArray gainGradients; // delta * xhat, per example

  private LayerNormDensePass(
      LayerSite site,
      INDArray input,
      INDArray preNorm,
      INDArray standardized,
      INDArray preOutput,
      IActivation activation,
      INDArray output) {
    this.site = site;
    this.weights = site.layer().getParam("W");
    this.bias = site.layer().getParam("b");
    this.gain = site.layer().getParam("g");
    this.input = input;
    this.preNorm = preNorm;
    this.standardized = standardized;
    this.preOutput = preOutput;
    this.activation = activation;
    this.output = output;
  }

  /**
   * The forward pass.
   *
   * @param site the layer, with parameters {@code W} ({@code [nIn, nOut]}), {@code g} and optional
   *     {@code b}
   * @param input {@code a}, {@code [B, nIn]}; not modified
   * @param activation the layer's activation
   */
  static LayerNormDensePass forward(LayerSite site, INDArray input, IActivation activation) {
    String name = site.first() ? "features.rank()" : "the input rank of " + site.label();
    Checks.require(input.rank() == 2, name, "2 ([B, nIn])", input.rank());
    DataType type = site.dataType();
    INDArray a = input.castTo(type);
    INDArray w = site.layer().getParam("W");
    INDArray b = site.layer().getParam("b");
    INDArray g = site.layer().getParam("g");
    INDArray p =
        Nd4j.gemm(
            a, w, Nd4j.createUninitialized(type, a.size(0), w.size(1)), false, false, 1.0, 0.0);
    INDArray z = Nd4j.createUninitialized(type, p.shape());
    Nd4j.exec(new LayerNorm(p, g, z, true, 1));
    if (b != null) {
      z.addiRowVector(b);
    }
    INDArray xhat = Nd4j.createUninitialized(type, p.shape());
    Nd4j.exec(new Standardize(p, xhat, 1));
    INDArray out = activation.getActivation(z.dup(), true);
    return new LayerNormDensePass(site, a, p, xhat, z, activation, out);
  }

  @Override
  public INDArray output() {
    return output;
  }

  @Override
  public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
    // Last use of the pre-activation: backprop may overwrite it.
    delta = activation.backprop(preOutput, outputGradient).getFirst();
    gainGradients = delta.mul(standardized);
    preNormDelta = Nd4j.createUninitialized(site.dataType(), delta.shape());
    INDArray gainSum = Nd4j.createUninitialized(site.dataType(), gain.shape());
    Nd4j.exec(new LayerNormBp(preNorm, gain, delta, preNormDelta, gainSum, true, 1));
    if (!inputGradientNeeded) {
      return null;
    }
    return Nd4j.gemm(
        preNormDelta,
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
    double[] pSq = RowNorms.squared(preNormDelta);
    double[] dSq = bias != null ? RowNorms.squared(delta) : new double[squaredNorms.length];
    double[] gSq = RowNorms.squared(gainGradients);
    for (int i = 0; i < squaredNorms.length; i++) {
      squaredNorms[i] += aSq[i] * pSq[i] + dSq[i] + gSq[i];
    }
  }

  @Override
  public long addClippedSum(ClipFactors clip, INDArray sum) {
    DataType type = site.dataType();
    INDArray a = input;
    if (clip.anySkipped()) { // the input may be the caller's features: zero a copy
      a = input.dup();
      clip.zeroSkippedRows(a);
      clip.zeroSkippedRows(preNormDelta);
      clip.zeroSkippedRows(delta);
      clip.zeroSkippedRows(gainGradients);
    }
    INDArray c = clip.column(type);
    preNormDelta.muliColumnVector(c);
    INDArray params = site.parameters();
    ParameterBlocks.matrix(sum, params, weights)
        .assign(Nd4j.gemm(a, preNormDelta, true, false).castTo(DataType.FLOAT));
    long written = weights.length();
    ParameterBlocks.vector(sum, params, gain)
        .assign(gainGradients.muliColumnVector(c).sum(0).castTo(DataType.FLOAT));
    written += gain.length();
    if (bias != null) {
      ParameterBlocks.vector(sum, params, bias)
          .assign(delta.muliColumnVector(c).sum(0).castTo(DataType.FLOAT));
      written += bias.length();
    }
    return written;
  }
}

package org.dp4j.dl4j.gradients;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The pass of a dense map applied at every time step of a sequence {@code [B, nIn, T]}: {@code z_t
 * = a_t W + b} per step, then the activation, giving {@code [B, nOut, T]} (a DenseLayer between
 * DL4J's {@code RnnToFeedForwardPreProcessor} and {@code FeedForwardToRnnPreProcessor}, and {@code
 * RnnOutputLayer}).
 *
 * <p>Example {@code i}'s weight gradient is {@code A_i^T D_i = sum_t a_{i,t} delta_{i,t}^T} and its
 * bias gradient {@code sum_t delta_{i,t}} (Goodfellow 2015, "Efficient per-example gradient
 * computations"); {@link SequenceAffine} gives its squared norm (ghost norm over time or layerwise,
 * by shapes: Li et al. 2022, "Large language models can be strong differentially private learners",
 * section 4) and the clipped sum {@code sum_i c_i A_i^T D_i}.
 *
 * <p>Masks, as DL4J's {@code BaseLayer}: with a per-step mask, a DenseLayer's output and its deltas
 * are zero at masked steps; an output layer's deltas come from its loss, which applies the labels
 * mask.
 */
final class TimeStepAffinePass implements LayerRule.Pass {

  private final LayerSite site;
  private final INDArray weights;
  private final INDArray bias;
  private final INDArray input; // [B, T, nIn], 'c'
  private final INDArray preOutput; // [B * T, nOut]
  private final IActivation activation;
  private final INDArray maskColumn; // [B * T, 1] or null
  private final INDArray output; // [B, nOut, T]
  private INDArray delta; // [B * T, nOut]

  private TimeStepAffinePass(
      LayerSite site,
      INDArray input,
      INDArray preOutput,
      IActivation activation,
      INDArray maskColumn,
      INDArray output) {
    this.site = site;
    this.weights = site.layer().getParam("W");
    this.bias = site.layer().getParam("b");
    this.input = input;
    this.preOutput = preOutput;
    this.activation = activation;
    this.maskColumn = maskColumn;
    this.output = output;
  }

  /**
   * The forward pass.
   *
   * @param site the layer, with parameters {@code W} ({@code [nIn, nOut]}) and optional {@code b}
   * @param input {@code [B, nIn, T]}; not modified
   * @param mask the per-step mask {@code [B, T]} applied to the output and the deltas, or null
   * @param activation the layer's activation, or null when the output is {@code z} itself (an
   *     output layer, whose activation its loss applies)
   */
  static TimeStepAffinePass forward(
      LayerSite site, INDArray input, INDArray mask, IActivation activation) {
    TimeSteps.checkSequence(input, site.name());
    TimeSteps.checkMask(mask, input, site.name());
    DataType type = site.dataType();
    long batch = input.size(0);
    long steps = input.size(2);
    INDArray a = TimeSteps.stepsMajor(input, type);
    INDArray w = site.layer().getParam("W");
    INDArray b = site.layer().getParam("b");
    INDArray z =
        Nd4j.gemm(
            TimeSteps.rows(a),
            w,
            Nd4j.createUninitialized(type, batch * steps, w.size(1)),
            false,
            false,
            1.0,
            0.0);
    if (b != null) {
      z.addiRowVector(b);
    }
    INDArray column = mask == null ? null : TimeSteps.maskColumn(mask, type);
    INDArray out;
    if (activation == null) {
      out = z;
    } else {
      out = activation.getActivation(z.dup(), true);
      if (column != null) {
        out.muliColumnVector(column);
      }
    }
    return new TimeStepAffinePass(
        site, a, z, activation, column, TimeSteps.channelsFirst(out, batch, steps));
  }

  @Override
  public INDArray output() {
    return output;
  }

  @Override
  public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
    long batch = input.size(0);
    long steps = input.size(1);
    INDArray g = TimeSteps.stepRows(outputGradient, site.dataType());
    if (activation == null) {
      delta = g;
    } else {
      delta = activation.backprop(preOutput, g).getFirst();
      if (maskColumn != null) {
        delta.muliColumnVector(maskColumn);
      }
    }
    if (!inputGradientNeeded) {
      return null;
    }
    INDArray rows =
        Nd4j.gemm(
            delta,
            weights,
            Nd4j.createUninitialized(site.dataType(), delta.size(0), weights.size(0)),
            false,
            true,
            1.0,
            0.0);
    return TimeSteps.channelsFirst(rows, batch, steps);
  }

  private INDArray delta3() {
    return delta.reshape('c', input.size(0), input.size(1), delta.size(1));
  }

  @Override
  public void addSquaredNorms(double[] squaredNorms) {
    SequenceAffine.addSquaredNorms(input, delta3(), bias != null, squaredNorms);
  }

  @Override
  public long addClippedSum(ClipFactors clip, INDArray sum) {
    INDArray params = site.parameters();
    return SequenceAffine.addClippedSum(
        input,
        delta3(),
        clip,
        ParameterBlocks.matrix(sum, params, weights),
        bias == null ? null : ParameterBlocks.vector(sum, params, bias));
  }
}

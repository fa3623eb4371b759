package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import java.util.Optional;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A first {@link EmbeddingSequenceLayer}: integer indices {@code [B, T]} or {@code [B, 1, T]} to
 * {@code activation(W[idx_{i,t}] + b)}, output {@code [B, nOut, T]}, with or without bias, any
 * activation; with a features mask {@code [B, T]} the output and the deltas are zero at masked
 * steps, as in DL4J. Indices have no input gradient, so the layer must read the features. {@code
 * NWC} output is refused.
 *
 * <p>Example {@code i}'s weight gradient is {@code sum_t onehot(idx_{i,t}) delta_{i,t}^T}
 * (Goodfellow 2015; Li et al. 2022, section 4, the embedding case of ghost clipping): row {@code v}
 * is the sum of the deltas of the steps that read index {@code v}, so its squared norm is {@code
 * sum_{t, s: idx_t = idx_s} delta_t . delta_s}, the ghost norm over time with the index-equality
 * Gram matrix. It is computed here by grouping each example's steps by index (one pass over the
 * deltas, {@code O(T nOut)} per example instead of {@code O(T^2 nOut)}, in double), never forming a
 * one-hot matrix. The clipped sum {@code sum_i c_i G_i} is a scatter-add of the rows {@code c_i
 * delta_{i,t}} into {@code W[idx_{i,t}]}; the bias gradient is {@code sum_t delta_{i,t}}.
 */
record EmbeddingSequenceRule(LayerSite site, EmbeddingSequenceLayer config) implements LayerRule {

  static final Type TYPE =
      Type.of(
          "a first EmbeddingSequenceLayer",
          EmbeddingSequenceLayer.class,
          site -> site.first() && !site.last(),
          EmbeddingSequenceRule::new);

  @Override
  public Optional<String> unsupportedReason() {
    return config.getOutputFormat() == null || config.getOutputFormat() == RNNFormat.NCW
        ? Optional.empty()
        : Optional.of("uses output format " + config.getOutputFormat() + "; only NCW is supported");
  }

  @Override
  public boolean hasParameters() {
    return true;
  }

  @Override
  public Pass forward(INDArray input) {
    return forward(input, null);
  }

  @Override
  public Pass forward(INDArray input, INDArray mask) {
    int[][] ids = indices(input);
    int batch = ids.length;
    int steps = ids[0].length;
    if (mask != null) {
      Checks.require(
          mask.rank() == 2 && mask.size(0) == batch && mask.size(1) == steps,
          "the features mask of " + site.name(),
          "[B, T] = [" + batch + ", " + steps + "]",
          Arrays.toString(mask.shape()));
    }
    DataType type = site.dataType();
    INDArray w = site.layer().getParam("W");
    INDArray b = config.hasBias() ? site.layer().getParam("b") : null;
    int[] flat = new int[batch * steps];
    for (int i = 0; i < batch; i++) {
      System.arraycopy(ids[i], 0, flat, i * steps, steps);
    }
    // One native gather ([B * T, nOut], row i * T + t); getRows copies row by row.
    INDArray z = Nd4j.pullRows(w, 1, flat, 'c').castTo(type);
    if (b != null) {
      z.addiRowVector(b);
    }
    IActivation activation = config.getActivationFn();
    INDArray out = activation.getActivation(z.dup(), true);
    INDArray column = mask == null ? null : TimeSteps.maskColumn(mask, type);
    if (column != null) {
      out.muliColumnVector(column);
    }
    return new EmbeddingPass(
        this, flat, batch, steps, z, column, TimeSteps.channelsFirst(out, batch, steps));
  }

  /**
   * The indices of {@code [B, T]} or {@code [B, 1, T]} features, checked against the vocabulary.
   */
  private int[][] indices(INDArray input) {
    Checks.require(
        input.rank() == 2 || (input.rank() == 3 && input.size(1) == 1),
        "features.shape()",
        "[B, T] or [B, 1, T] indices for an EmbeddingSequenceLayer",
        Arrays.toString(input.shape()));
    int batch = Math.toIntExact(input.size(0));
    int steps = Math.toIntExact(input.size(input.rank() - 1));
    if (!config.isInferInputLength()) {
      Checks.require(
          steps == config.getInputLength(),
          "the sequence length of the features",
          "the EmbeddingSequenceLayer's inputLength " + config.getInputLength(),
          steps);
    }
    double[] values =
        input.castTo(DataType.DOUBLE).dup('c').reshape(batch * (long) steps).toDoubleVector();
    long vocabulary = config.getNIn();
    int[][] ids = new int[batch][steps];
    for (int i = 0; i < batch; i++) {
      for (int t = 0; t < steps; t++) {
        double id = values[i * steps + t];
        Checks.require(
            id >= 0 && id < vocabulary && id == Math.rint(id),
            "features[" + i + ", " + t + "]",
            "an integer index in [0, " + vocabulary + ")",
            id);
        ids[i][t] = (int) id;
      }
    }
    return ids;
  }

  /** The pass: the indices and, after the backward pass, the deltas {@code [B * T, nOut]}. */
  private static final class EmbeddingPass implements Pass {
    private final EmbeddingSequenceRule rule;
    private final int[] ids; // [B * T], row i * T + t
    private final int batch;
    private final int steps;
    private final INDArray preOutput;
    private final INDArray maskColumn;
    private final INDArray output;
    private INDArray delta;

    EmbeddingPass(
        EmbeddingSequenceRule rule,
        int[] ids,
        int batch,
        int steps,
        INDArray preOutput,
        INDArray maskColumn,
        INDArray output) {
      this.rule = rule;
      this.ids = ids;
      this.batch = batch;
      this.steps = steps;
      this.preOutput = preOutput;
      this.maskColumn = maskColumn;
      this.output = output;
    }

    @Override
    public INDArray output() {
      return output;
    }

    @Override
    public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
      INDArray g = TimeSteps.stepRows(outputGradient, rule.site.dataType());
      delta = rule.config.getActivationFn().backprop(preOutput, g).getFirst();
      if (maskColumn != null) {
        delta.muliColumnVector(maskColumn);
      }
      return null; // the first layer: indices have no gradient
    }

    /**
     * {@code ||G_i||_F^2 = sum_v ||sum_{t: idx_t = v} delta_t||^2} (+ {@code ||sum_t delta_t||^2}
     * with bias), each group's sum in double.
     */
    @Override
    public void addSquaredNorms(double[] squaredNorms) {
      int width = Math.toIntExact(delta.size(1));
      double[] d = delta.castTo(DataType.DOUBLE).dup('c').data().asDouble();
      boolean bias = rule.config.hasBias();
      int[] group = new int[Math.toIntExact(rule.config.getNIn())]; // index -> group, -1: none
      Arrays.fill(group, -1);
      int[] indexOf = new int[steps]; // group -> index
      double[] sums = new double[steps * width]; // one delta sum per distinct index
      double[] total = new double[width];
      for (int i = 0; i < batch; i++) {
        int groups = 0;
        Arrays.fill(total, 0.0);
        for (int t = 0; t < steps; t++) {
          int row = i * steps + t;
          int g = group[ids[row]];
          if (g < 0) {
            g = groups++;
            group[ids[row]] = g;
            indexOf[g] = ids[row];
            Arrays.fill(sums, g * width, (g + 1) * width, 0.0);
          }
          for (int j = 0; j < width; j++) {
            double v = d[row * width + j];
            sums[g * width + j] += v;
            total[j] += v;
          }
        }
        double s = 0;
        for (int k = 0; k < groups * width; k++) {
          s += sums[k] * sums[k];
        }
        if (bias) {
          for (double v : total) {
            s += v * v;
          }
        }
        squaredNorms[i] += s;
        for (int g = 0; g < groups; g++) {
          group[indexOf[g]] = -1;
        }
      }
    }

    @Override
    public long addClippedSum(ClipFactors clip, INDArray sum) {
      DataType type = rule.site.dataType();
      clip.zeroSkippedRows(delta.reshape('c', batch, (long) steps * delta.size(1)));
      float[] factors = clip.factors();
      float[] perStep = new float[batch * steps];
      for (int i = 0; i < batch; i++) {
        Arrays.fill(perStep, i * steps, (i + 1) * steps, factors[i]);
      }
      INDArray stepFactors =
          Nd4j.createFromArray(perStep).reshape((long) batch * steps, 1).castTo(type);
      delta.muliColumnVector(stepFactors);
      INDArray params = rule.site.parameters();
      INDArray w = rule.site.layer().getParam("W");
      // Rows of equal index accumulate: a scatter-add on the host (ND4J's ScatterAdd op costs
      // several times the whole non-private step at a vocabulary of 1,000).
      int width = Math.toIntExact(w.size(1));
      float[] rows = delta.castTo(DataType.FLOAT).dup('c').data().asFloat();
      float[] gradient = new float[Math.toIntExact(w.length())];
      for (int r = 0; r < ids.length; r++) {
        int to = ids[r] * width;
        int from = r * width;
        for (int j = 0; j < width; j++) {
          gradient[to + j] += rows[from + j];
        }
      }
      ParameterBlocks.matrix(sum, params, w)
          .assign(Nd4j.createFromArray(gradient).reshape('c', w.size(0), width));
      long written = w.length();
      if (rule.config.hasBias()) {
        INDArray b = rule.site.layer().getParam("b");
        ParameterBlocks.vector(sum, params, b).assign(delta.sum(0).castTo(DataType.FLOAT));
        written += b.length();
      }
      return written;
    }
  }
}

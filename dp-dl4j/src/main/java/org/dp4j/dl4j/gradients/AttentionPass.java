package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The forward and backward pass of DL4J's multi-head scaled dot-product self-attention (libnd4j's
 * {@code multi_head_dot_product_attention}, or {@code dot_product_attention} without projection,
 * which {@code SelfAttentionLayer} calls), computed here because a {@code SameDiffLayer} exposes no
 * per-example deltas, with each example's parameter gradient norm and the clipped sums (Vaswani et
 * al. 2017, "Attention is all you need", section 3.2).
 *
 * <p>Per example, with input {@code X} ({@code [T, nIn]}, one row per time step), {@code H} heads
 * of size {@code d}, {@code Wq, Wk, Wv} of shape {@code [H, d, nIn]} and {@code Wo} of shape {@code
 * [H d, nOut]}:
 *
 * <pre>
 *   Q_h = X Wq_h^T,  K_h = X Wk_h^T,  V_h = X Wv_h^T                       [T, d]
 *   S_h = Q_h K_h^T / sqrt(d) + 1 (m - 1)^T 1e9,  P_h = softmax_rows(S_h)   [T, T]
 *   A_h = P_h V_h,  C = [A_1 ... A_H],  Y = C Wo                           [T, nOut]
 * </pre>
 *
 * ({@code m} the example's mask, 1 present, 0 padding: DL4J adds {@code (m - 1) 1e9} to the scores
 * of every query, so a padded key gets weight exactly 0 unless every key is padded; this pass adds
 * the same penalty in the network's data type, so it agrees in that case too.) Without projection
 * ({@code projectInput} false: one head, {@code nIn = nOut}, no parameters) {@code Q = K = V = X},
 * {@code Y = A} and {@code d = nIn}. The backward pass from {@code G = dL/dY}, with the softmax
 * Jacobian applied row by row:
 *
 * <pre>
 *   dWo = C^T G,  dA_h = (G Wo^T)_h,  dV_h = P_h^T dA_h,  dP_h = dA_h V_h^T
 *   dS_h = P_h o (dP_h - rowsum(P_h o dP_h) 1^T) / sqrt(d)
 *   dQ_h = dS_h K_h,  dK_h = dS_h^T Q_h
 *   dWq_h = dQ_h^T X,  dWk_h = dK_h^T X,  dWv_h = dV_h^T X
 *   dX = sum_h dQ_h Wq_h + dK_h Wk_h + dV_h Wv_h
 * </pre>
 *
 * Each of the four weights is a map applied at every time step, so its per-example gradient {@code
 * sum_t a_t delta_t^T} is a {@link SequenceAffine} term: the ghost norm over time or the layerwise
 * norm, whichever is cheaper for its shape (Li et al. 2022, section 4), and one matrix product for
 * the clipped sum. Padded steps have zero rows in {@code dK} and {@code dV} ({@code P} is 0 there).
 *
 * <p>The pass computes the gradient of the loss. DL4J 1.0.0-M2.1's {@code SameDiffLayer} backward
 * pass returns twice that (for any {@code SameDiffLayer}: a layer {@code y = 3 x} returns {@code 6
 * G}), for the layer's parameters and every layer below it; see {@code docs/dl4j.md}.
 *
 * <p>All heads of all examples go through batched matrix products over {@code [B H, T, d]} arrays;
 * row {@code i} of every array belongs to example {@code i}.
 */
final class AttentionPass implements LayerRule.Pass {

  /** DL4J's additive penalty for a padded key ({@code (m - 1) * 1e9} in libnd4j). */
  private static final double MASK_PENALTY = 1e9;

  /**
   * The layer's shape and parameters.
   *
   * @param heads {@code H}, 1 without projection
   * @param headSize {@code d}, ignored without projection
   * @param wq {@code [H, d, nIn]}, null without projection (as {@code wk}, {@code wv})
   * @param wo {@code [H d, nOut]}, null without projection
   */
  record Setup(
      LayerSite site,
      int heads,
      long headSize,
      boolean projectInput,
      INDArray wq,
      INDArray wk,
      INDArray wv,
      INDArray wo) {}

  private final Setup setup;
  private final DataType type;
  private final int batch;
  private final long steps;
  private final int heads;
  private final long headSize;
  private final INDArray xRows; // [B, T, nIn]
  private final INDArray qHeads; // [B H, T, d]
  private final INDArray kHeads;
  private final INDArray vHeads;
  private final INDArray weights; // P, [B H, T, T]
  private final INDArray concat; // C, [B, T, H d]; null without projection
  private final INDArray output; // [B, nOut, T]
  private INDArray outputDelta; // G, [B, T, nOut]
  private INDArray dQ; // [B, T, H d]
  private INDArray dK;
  private INDArray dV;

  private AttentionPass(
      Setup setup,
      INDArray xRows,
      INDArray[] qkv,
      INDArray weights,
      INDArray concat,
      INDArray output) {
    this.setup = setup;
    this.type = setup.site().dataType();
    this.batch = Math.toIntExact(xRows.size(0));
    this.steps = xRows.size(1);
    this.heads = setup.projectInput() ? setup.heads() : 1;
    this.headSize = setup.projectInput() ? setup.headSize() : xRows.size(2);
    this.xRows = xRows;
    this.qHeads = qkv[0];
    this.kHeads = qkv[1];
    this.vHeads = qkv[2];
    this.weights = weights;
    this.concat = concat;
    this.output = output;
  }

  /**
   * The forward pass.
   *
   * @param input {@code [B, nIn, T]} ({@code NCW}); not modified
   * @param mask {@code [B, T]} per-step mask (1 present, 0 padding), or null
   * @throws IllegalArgumentException when the input or the mask has the wrong shape
   */
  static AttentionPass forward(Setup setup, INDArray input, INDArray mask) {
    LayerSite site = setup.site();
    DataType type = site.dataType();
    String name = site.first() ? "features.shape()" : "the input shape of " + site.label();
    long nIn = setup.projectInput() ? setup.wk().size(2) : -1;
    Checks.require(
        input.rank() == 3 && (nIn < 0 || input.size(1) == nIn),
        name,
        "[B, " + (nIn < 0 ? "nIn" : nIn) + ", T] (NCW)",
        Arrays.toString(input.shape()));
    int batch = Math.toIntExact(input.size(0));
    long steps = input.size(2);
    if (mask != null) {
      Checks.require(
          mask.rank() == 2 && mask.size(0) == batch && mask.size(1) == steps,
          "the features mask at " + site.label(),
          "[" + batch + ", " + steps + "]",
          Arrays.toString(mask.shape()));
    }
    INDArray xRows = input.castTo(type).permute(0, 2, 1).dup('c'); // [B, T, nIn]
    int heads = setup.projectInput() ? setup.heads() : 1;
    long d = setup.projectInput() ? setup.headSize() : input.size(1);
    INDArray[] qkv;
    if (setup.projectInput()) {
      qkv =
          new INDArray[] {
            toHeads(project(xRows, setup.wq()), heads, d),
            toHeads(project(xRows, setup.wk()), heads, d),
            toHeads(project(xRows, setup.wv()), heads, d)
          };
    } else {
      qkv = new INDArray[] {xRows, xRows, xRows};
    }
    INDArray scores = Nd4j.matmul(qkv[0], qkv[1], false, true, false); // [B H, T, T]
    scores.muli(1.0 / Math.sqrt(d));
    if (mask != null) {
      INDArray penalty = mask.castTo(type).sub(1.0).muli(MASK_PENALTY); // [B, T]
      INDArray perExample = scores.reshape('c', batch, heads * steps, steps);
      Nd4j.getExecutioner().exec(new BroadcastAddOp(perExample, penalty, perExample, 0, 2));
    }
    INDArray rows = scores.reshape('c', (long) batch * heads * steps, steps);
    Nd4j.getExecutioner().exec(new SoftMax(rows, rows, 1));
    INDArray attended = Nd4j.matmul(scores, qkv[2]); // [B H, T, d]
    INDArray concat = null;
    INDArray outRows = attended; // [B, T, nOut]
    if (setup.projectInput()) {
      concat = fromHeads(attended, batch, heads, d);
      outRows = times(concat, setup.wo(), false);
    }
    INDArray output = outRows.permute(0, 2, 1).dup('c');
    return new AttentionPass(setup, xRows, qkv, scores, concat, output);
  }

  /** {@code rows M} (or {@code rows M^T}) for {@code [B, T, k]} rows: {@code [B, T, *]}. */
  private static INDArray times(INDArray rows, INDArray m, boolean transpose) {
    INDArray flat = rows.reshape('c', rows.size(0) * rows.size(1), rows.size(2));
    long columns = transpose ? m.size(0) : m.size(1);
    return Nd4j.gemm(
            flat,
            m,
            Nd4j.createUninitialized(rows.dataType(), flat.size(0), columns),
            false,
            transpose,
            1.0,
            0.0)
        .reshape('c', rows.size(0), rows.size(1), columns);
  }

  /** {@code rows W^T} for {@code W} {@code [H, d, nIn]}: {@code [B, T, nIn] -> [B, T, H d]}. */
  private static INDArray project(INDArray rows, INDArray w) {
    return times(rows, matrixOf(w), true);
  }

  /** {@code delta W} for {@code W} {@code [H, d, nIn]}: {@code [B, T, H d] -> [B, T, nIn]}. */
  private static INDArray unproject(INDArray delta, INDArray w) {
    return times(delta, matrixOf(w), false);
  }

  /** A {@code [H, d, nIn]} projection as the {@code [H d, nIn]} matrix it is in {@code 'c'}. */
  private static INDArray matrixOf(INDArray w) {
    INDArray c = w.ordering() == 'c' && Shape.hasDefaultStridesForShape(w) ? w : w.dup('c');
    return c.reshape('c', w.size(0) * w.size(1), w.size(2));
  }

  /** {@code [B, T, H d] -> [B H, T, d]}. */
  private static INDArray toHeads(INDArray rows, int heads, long d) {
    long b = rows.size(0);
    long t = rows.size(1);
    return rows.reshape('c', b, t, heads, d)
        .permute(0, 2, 1, 3)
        .dup('c')
        .reshape('c', b * heads, t, d);
  }

  /** {@code [B H, T, d] -> [B, T, H d]}. */
  private static INDArray fromHeads(INDArray perHead, int batch, int heads, long d) {
    long t = perHead.size(1);
    return perHead
        .reshape('c', batch, heads, t, d)
        .permute(0, 2, 1, 3)
        .dup('c')
        .reshape('c', batch, t, heads * d);
  }

  @Override
  public INDArray output() {
    return output;
  }

  @Override
  public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
    outputDelta = outputGradient.castTo(type).permute(0, 2, 1).dup('c'); // [B, T, nOut]
    INDArray dAttended = outputDelta; // [B H, T, d]
    if (setup.projectInput()) {
      dAttended = toHeads(times(outputDelta, setup.wo(), true), heads, headSize);
    }
    INDArray dVHeads = Nd4j.matmul(weights, dAttended, true, false, false); // P^T dA
    INDArray dScores = Nd4j.matmul(dAttended, vHeads, false, true, false); // dA V^T
    // The softmax Jacobian row by row: dS = P o (dP - rowsum(P o dP)), then the 1/sqrt(d).
    long rowCount = (long) batch * heads * steps;
    INDArray p = weights.reshape('c', rowCount, steps);
    INDArray pdp = dScores.reshape('c', rowCount, steps).muli(p);
    INDArray rowSums = pdp.sum(true, 1);
    pdp.subi(p.mulColumnVector(rowSums)).muli(1.0 / Math.sqrt(headSize));
    INDArray dQHeads = Nd4j.matmul(dScores, kHeads); // dS K
    INDArray dKHeads = Nd4j.matmul(dScores, qHeads, true, false, false); // dS^T Q
    if (setup.projectInput()) {
      dQ = fromHeads(dQHeads, batch, heads, headSize);
      dK = fromHeads(dKHeads, batch, heads, headSize);
      dV = fromHeads(dVHeads, batch, heads, headSize);
    } else {
      dQ = dQHeads;
      dK = dKHeads;
      dV = dVHeads;
    }
    if (!inputGradientNeeded) {
      return null;
    }
    INDArray dX; // [B, T, nIn]
    if (setup.projectInput()) {
      dX = unproject(dQ, setup.wq());
      dX.addi(unproject(dK, setup.wk())).addi(unproject(dV, setup.wv()));
    } else {
      dX = dQ.add(dK).addi(dV);
    }
    return dX.permute(0, 2, 1).dup('c'); // [B, nIn, T]
  }

  @Override
  public void addSquaredNorms(double[] squaredNorms) {
    if (!setup.projectInput()) {
      return;
    }
    SequenceAffine.addSquaredNorms(xRows, dQ, false, squaredNorms);
    SequenceAffine.addSquaredNorms(xRows, dK, false, squaredNorms);
    SequenceAffine.addSquaredNorms(xRows, dV, false, squaredNorms);
    SequenceAffine.addSquaredNorms(concat, outputDelta, false, squaredNorms);
  }

  @Override
  public long addClippedSum(ClipFactors clip, INDArray sum) {
    if (!setup.projectInput()) {
      return 0;
    }
    INDArray params = setup.site().parameters();
    return SequenceAffine.addClippedSum(xRows, dQ, clip, projectionBlock(sum, setup.wq()), null)
        + SequenceAffine.addClippedSum(xRows, dK, clip, projectionBlock(sum, setup.wk()), null)
        + SequenceAffine.addClippedSum(xRows, dV, clip, projectionBlock(sum, setup.wv()), null)
        + SequenceAffine.addClippedSum(
            concat, outputDelta, clip, ParameterBlocks.matrix(sum, params, setup.wo()), null);
  }

  /**
   * The {@code [nIn, H d]} block of the clipped sum where {@code params()} keeps a {@code [H, d,
   * nIn]} projection in {@code 'c'} order (the same memory as {@code [nIn, H d]} in {@code 'f'}).
   */
  private INDArray projectionBlock(INDArray sum, INDArray w) {
    if (w.ordering() != 'c' || !Shape.hasDefaultStridesForShape(w)) {
      throw new IllegalStateException(
          "attention projection at " + setup.site().label() + " is not a 'c'-order block");
    }
    long offset = ParameterBlocks.offsetIn(setup.site().parameters(), w);
    long in = w.size(2);
    long out = w.size(0) * w.size(1);
    return Nd4j.create(sum.data(), new long[] {in, out}, new long[] {1, in}, offset, 'f');
  }
}

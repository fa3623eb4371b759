package org.dp4j.dl4j.gradients;

import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import org.dp4j.core.internal.Checks;
import org.dp4j.training.clipping.ClippableGradients;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One batch's forward and backward pass through the layer rules of a network ({@link
 * MultiLayerClipping}) or a graph ({@link GraphClipping}), as clippable gradients: the squared
 * norms are ready; {@link #weightedSum} lets every rule write its block of {@code params()}. The
 * passes' arrays stay in the engine's workspace ({@link EngineMemory}), open but not current, until
 * the weighted sum or the thread's next batch.
 */
final class RuleBackward implements ClippableGradients {
  private final List<LayerRule.Pass> passes;
  private final double[] squaredNorms;
  private final double lossSum;
  private final long parameters;
  private boolean summed;
  private MemoryWorkspace workspace; // open, not current, until the weighted sum; null if none
  private long generation;
  private MultiLayerClipping.PhaseListener listener = MultiLayerClipping.PhaseListener.NONE;

  /**
   * @param passes the rules' passes, in forward order; empty for an empty batch
   * @param squaredNorms {@code ||g_i||^2} per example
   * @param lossSum the sum of the per-example losses
   * @param parameters the network's parameter count
   */
  RuleBackward(
      List<LayerRule.Pass> passes, double[] squaredNorms, double lossSum, long parameters) {
    this.passes = passes;
    this.squaredNorms = squaredNorms;
    this.lossSum = lossSum;
    this.parameters = parameters;
  }

  /**
   * Enters the engine's workspace, runs {@code compute} in it and keeps the workspace open for the
   * weighted sum (closed at once when {@code compute} throws).
   *
   * @param sumListener told when each rule's clipped-sum phase ends
   */
  static RuleBackward held(
      Supplier<RuleBackward> compute, MultiLayerClipping.PhaseListener sumListener) {
    MemoryWorkspace open = EngineMemory.enter();
    RuleBackward pass;
    try {
      pass = compute.get();
    } catch (RuntimeException | Error e) {
      open.close();
      throw e;
    }
    pass.workspace = open;
    pass.generation = open.getGenerationId();
    pass.listener = sumListener;
    EngineMemory.suspend(open);
    return pass;
  }

  /** A {@code FLOAT} {@code [1, parameters]} zero array outside any workspace. */
  static INDArray detachedZeros(long parameters) {
    try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      return Nd4j.zeros(DataType.FLOAT, 1, parameters);
    }
  }

  /** Checks that the rules of a non-empty batch wrote every parameter once. */
  static void checkLayout(int batch, long written, long parameters) {
    if (batch > 0 && written != parameters) {
      throw new IllegalStateException(
          "the layer rules laid out " + written + " parameters, the network has " + parameters);
    }
  }

  /** The rules' passes, in forward order. */
  List<LayerRule.Pass> passes() {
    return passes;
  }

  /** The sum of the batch's per-example losses. */
  double lossSum() {
    return lossSum;
  }

  /**
   * The plain gradient sum {@code sum_i g_i} of the passes (no norms, no clipping), laid out as
   * {@code params()}, fresh and outside any workspace; call inside the workspace that holds them.
   */
  INDArray gradientSum() {
    INDArray sum = detachedZeros(parameters);
    long written = 0;
    for (LayerRule.Pass layer : passes) {
      written += layer.addGradientSum(batchSize(), sum);
    }
    checkLayout(batchSize(), written, parameters);
    return sum;
  }

  /** Adds every pass's share of the per-example squared norms. */
  void addSquaredNorms(MultiLayerClipping.PhaseListener listener) {
    for (int k = 0; k < passes.size(); k++) {
      passes.get(k).addSquaredNorms(squaredNorms);
      listener.phaseEnded(k, MultiLayerClipping.Phase.NORMS);
    }
  }

  @Override
  public int batchSize() {
    return squaredNorms.length;
  }

  @Override
  public long parameterCount() {
    return parameters;
  }

  @Override
  public double[] squaredNorms() {
    return squaredNorms.clone();
  }

  /**
   * The network's parameter count plus its number of passes. The ghost norms {@code sum over layers
   * of (||a||^2 + [bias]) ||delta||^2} and the per-example convolution norms have at most {@code
   * n_a + n_d + 2} rounding errors per layer ({@code n_a} and {@code n_d} the entries of {@code a}
   * and {@code delta}, or the layer's weight-gradient entries) plus one per layer for the sum over
   * layers; this count bounds that, since {@code (n_a + 1) n_d >= n_a + n_d}.
   */
  @Override
  public long squaredNormRoundingTerms() {
    return parameters + passes.size();
  }

  /**
   * Every rule's block of {@code sum_i c_i g_i}, written where its parameters lie in {@code
   * params()}. The passes scale their stored deltas in place, so this runs once.
   *
   * @throws IllegalStateException on a second call
   */
  @Override
  public INDArray weightedSum(float[] factors) {
    Checks.notNull("factors", factors);
    Checks.require(
        factors.length == squaredNorms.length,
        "factors.length",
        "equal to the batch size " + squaredNorms.length,
        factors.length);
    if (summed) {
      throw new IllegalStateException(
          "weightedSum must be called once per batch, got a second call");
    }
    if (workspace != null
        && (!workspace.isScopeActive() || workspace.getGenerationId() != generation)) {
      throw new IllegalStateException(
          "weightedSum must be called on the thread that computed the batch, before its next "
              + "batch, got a call after the batch's arrays were released");
    }
    summed = true;
    INDArray sum = detachedZeros(parameters);
    if (workspace == null) {
      return sum; // an empty batch
    }
    EngineMemory.resume(workspace);
    try {
      ClipFactors clip = new ClipFactors(factors);
      long written = 0;
      for (int k = 0; k < passes.size(); k++) {
        written += passes.get(k).addClippedSum(clip, sum);
        listener.phaseEnded(k, MultiLayerClipping.Phase.CLIPPED_SUM);
      }
      checkLayout(factors.length, written, parameters);
    } finally {
      workspace.close();
      workspace = null;
    }
    return sum;
  }

  /** The batch's mean loss, a non-private diagnostic; empty for an empty batch. */
  @Override
  public OptionalDouble meanLoss() {
    return squaredNorms.length == 0
        ? OptionalDouble.empty()
        : OptionalDouble.of(lossSum / squaredNorms.length);
  }
}

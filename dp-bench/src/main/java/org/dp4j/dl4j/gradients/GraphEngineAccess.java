package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Benchmark-only access to dp-dl4j's package-private graph engine ({@link GraphClipping}): its
 * plain (non-private) gradient through the same vertex and layer rules. Compiled into dp-bench, in
 * dp-dl4j's package; no part of dp-dl4j's API.
 */
public final class GraphEngineAccess {

  private final GraphClipping engine;

  private GraphEngineAccess(GraphClipping engine) {
    this.engine = engine;
  }

  /**
   * The engine for {@code graph} (layerwise: every vertex with a rule).
   *
   * @throws IllegalArgumentException when a vertex has no rule
   */
  public static GraphEngineAccess of(ComputationGraph graph) {
    return new GraphEngineAccess(GraphClipping.of(graph, GradientMethod.LAYERWISE));
  }

  /**
   * The plain gradient sum {@code sum_i g_i} of a batch through the engine's rules (no norms, no
   * clipping), laid out as {@code params()}.
   */
  public INDArray gradientSum(INDArray features, INDArray labels) {
    return engine.gradientSum(new Batch(features, labels, null, null)).sum();
  }
}

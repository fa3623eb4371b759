package org.dp4j.dl4j.gradients;

import java.util.List;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How one vertex of a {@code ComputationGraph} takes part in per-example clipping ({@link
 * GraphClipping}): its forward pass on its inputs, its backward pass to each input's gradient, and
 * the {@link LayerRule} passes that hold its parameters (a layer vertex's; none for the vertices
 * without parameters). As for layer rules, row {@code i} of every array a vertex rule sees and
 * returns belongs to example {@code i}. Built per call; not thread-safe.
 */
interface VertexRule {

  /**
   * Why this rule cannot handle its vertex (a setting it does not implement), or empty when it can.
   * The engine puts the vertex's name in front.
   */
  default Optional<String> unsupportedReason() {
    return Optional.empty();
  }

  /** Whether the vertex has parameters (so the vertices feeding it need no input gradient). */
  default boolean hasParameters() {
    return false;
  }

  /** The loss the vertex applies to its output when it is the network's output; else empty. */
  default Optional<LayerRule.Loss> loss() {
    return Optional.empty();
  }

  /**
   * The vertex's forward pass on a batch.
   *
   * @param inputs the outputs of the vertices that feed it, in the vertex's input order, leading
   *     dimension {@code B}; not modified
   * @param mask the per-time-step mask of the inputs ({@code [B, T]}, 1 = step present), or null
   * @return the pass
   */
  Pass forward(INDArray[] inputs, INDArray mask);

  /**
   * The mask of the vertex's output given the mask of its inputs; the default passes it on, as
   * DL4J's vertices without layers do.
   */
  default INDArray outputMask(INDArray mask) {
    return mask;
  }

  /** One batch's pass through a vertex. */
  interface Pass {

    /** The vertex's output; modified by no one but its loss. */
    INDArray output();

    /**
     * The backward pass: from {@code dL_i/d(output_i)} to each input's gradient.
     *
     * @param outputGradient the gradient with respect to {@link #output()}, which the pass owns
     *     afterwards and may overwrite or return
     * @param inputGradientsNeeded per input, whether its gradient is needed
     * @return per input a gradient that no other entry shares and the pass does not keep, null
     *     where not needed
     */
    INDArray[] backward(INDArray outputGradient, boolean[] inputGradientsNeeded);

    /** The passes of the vertex's layer rules, whose norms and clipped sums the engine adds. */
    default List<LayerRule.Pass> layerPasses() {
      return List.of();
    }
  }
}

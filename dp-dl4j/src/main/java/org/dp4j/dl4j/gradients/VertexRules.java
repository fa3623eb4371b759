package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.FrozenVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.L2NormalizeVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.conf.graph.StackVertex;
import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.graph.UnstackVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The rules of the graph vertices that are not layers (a layer vertex is a {@link ChainRule} of
 * {@link LayerRules}): one line per vertex type in {@link #ruleFor}.
 */
final class VertexRules {

  /** The vertex types with a rule, as the unsupported-vertex message lists them. */
  static final String SUPPORTED =
      "a LayerVertex, MergeVertex, ElementWiseVertex, SubsetVertex, PreprocessorVertex, "
          + "ScaleVertex, ShiftVertex, L2NormalizeVertex or LastTimeStepVertex (or a FrozenVertex "
          + "around one of the vertices without layers)";

  private VertexRules() {}

  /**
   * The rule of a vertex that is not a layer, or why there is none.
   *
   * @param label how messages name the vertex, e.g. {@code vertex "add"}
   * @param vertex the vertex's configuration
   * @param inputMask the features mask of the network's one input, or null
   * @return the rule, or the reason (without the vertex's name) that no rule handles it
   */
  static Rule ruleFor(String label, GraphVertex vertex, INDArray inputMask) {
    Class<?> type = vertex.getClass();
    if (type == MergeVertex.class) {
      return Rule.of(new MergeRule(label, ((MergeVertex) vertex).getMergeAxis()));
    } else if (type == ElementWiseVertex.class) {
      return Rule.of(new ElementWiseRule(label, ((ElementWiseVertex) vertex).getOp()));
    } else if (type == SubsetVertex.class) {
      SubsetVertex subset = (SubsetVertex) vertex;
      return Rule.of(new SubsetRule(label, subset.getFrom(), subset.getTo()));
    } else if (type == PreprocessorVertex.class) {
      PreprocessorRule preprocessor =
          new PreprocessorRule(((PreprocessorVertex) vertex).getPreProcessor());
      return Rule.of(new ChainRule(java.util.List.of(preprocessor)));
    } else if (type == ScaleVertex.class) {
      return Rule.of(ScaleShiftRule.of((ScaleVertex) vertex));
    } else if (type == ShiftVertex.class) {
      return Rule.of(ScaleShiftRule.of((ShiftVertex) vertex));
    } else if (type == L2NormalizeVertex.class) {
      return Rule.of(L2NormalizeRule.of(label, (L2NormalizeVertex) vertex));
    } else if (type == FrozenVertex.class) {
      Rule underlying = ruleFor(label, ((FrozenVertex) vertex).getUnderlying(), inputMask);
      return new Rule(underlying.rule().map(FrozenVertexRule::new), underlying.reason());
    } else if (type == LastTimeStepVertex.class) {
      return Rule.of(new LastTimeStepVertexRule(label, inputMask));
    } else if (type == StackVertex.class || type == UnstackVertex.class) {
      return Rule.none(
          "moves examples along the batch axis ("
              + type.getSimpleName()
              + "), so rows are no longer examples; use BATCH_OF_ONE");
    }
    return Rule.none("is not " + SUPPORTED);
  }

  /**
   * A vertex's rule or the reason it has none.
   *
   * @param rule the rule, when there is one
   * @param reason why there is none, without the vertex's name
   */
  record Rule(Optional<VertexRule> rule, Optional<String> reason) {

    static Rule of(VertexRule rule) {
      return new Rule(Optional.of(rule), Optional.empty());
    }

    static Rule none(String reason) {
      return new Rule(Optional.empty(), Optional.of(reason));
    }
  }
}

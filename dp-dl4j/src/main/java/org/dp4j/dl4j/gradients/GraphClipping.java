package org.dp4j.dl4j.gradients;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.dp4j.core.internal.Checks;
import org.dp4j.training.clipping.ClippableGradients;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The per-example gradients of a {@link ComputationGraph} with one input and one output, from one
 * batched forward and backward pass over its vertices: the engine of {@link MultiLayerClipping}
 * over a graph instead of a chain. Each layer vertex is handled by its layers' {@link LayerRule}s
 * (its input preprocessor's, if any, then its layer's: a {@link ChainRule}), every other vertex by
 * its {@link VertexRule} (merge, element-wise, subset, preprocessor, scale, shift, L2 normalize;
 * {@link VertexRules}); vertices that move examples along the batch axis (stack, unstack) or have
 * no rule are refused, and {@link GradientMethod#AUTO} then falls back to the batch-of-one loop.
 *
 * <p>{@link #gradients} runs the vertices' forward passes in the graph's topological order ({@code
 * topologicalSortOrder()}), the output layer's loss (per-example sums, not means), and the backward
 * passes in reverse order. A vertex whose output feeds several vertices receives the sum of their
 * input gradients (the multivariate chain rule); a vertex gets no backward pass when no vertex at
 * or above it has parameters. The squared norms of all layer passes are summed per example in
 * double, and each layer pass writes its block of the clipped sum where its parameters lie in
 * {@code params()}. Memory and the clipped sum are as in {@link MultiLayerClipping} ({@link
 * MultiLayerClipping.Backward}).
 *
 * <p>Reads the graph's current parameters and never changes them. Not thread-safe.
 */
final class GraphClipping implements NetworkGradients {

  private final ComputationGraph graph;
  private final GradientMethod method;

  private GraphClipping(ComputationGraph graph, GradientMethod method) {
    this.graph = graph;
    this.method = method;
  }

  /**
   * The clipping of {@code graph} by {@code method}.
   *
   * @param method {@link GradientMethod#GHOST} or {@link GradientMethod#LAYERWISE}
   * @throws IllegalArgumentException when a vertex is not supported (the message names it)
   */
  static GraphClipping of(ComputationGraph graph, GradientMethod method) {
    String reason = unsupportedReason(graph, method).orElse(null);
    Checks.require(
        reason == null,
        "graph",
        "supported by " + (method == GradientMethod.GHOST ? "ghost" : "layerwise") + " clipping",
        reason);
    return new GraphClipping(graph, method);
  }

  /** The clipping of {@code graph} by {@code method}, or empty when a vertex is not supported. */
  static Optional<NetworkGradients> ifSupported(ComputationGraph graph, GradientMethod method) {
    return unsupportedReason(graph, method).isEmpty()
        ? Optional.of(new GraphClipping(graph, method))
        : Optional.empty();
  }

  /**
   * Why {@code method} cannot clip {@code graph}, or empty when it can.
   *
   * @param graph an initialised graph with one input and one output
   * @param method {@link GradientMethod#GHOST} or {@link GradientMethod#LAYERWISE}
   * @return the reason, naming the first unsupported vertex and the rule it breaks
   */
  static Optional<String> unsupportedReason(ComputationGraph graph, GradientMethod method) {
    Checks.require(
        method == GradientMethod.GHOST || method == GradientMethod.LAYERWISE,
        "method",
        "GHOST or LAYERWISE",
        method);
    Topology topology = Topology.of(graph, null);
    for (Node node : topology.nodes()) {
      Optional<String> reason = node.reason(method);
      if (reason.isPresent()) {
        return reason;
      }
    }
    Node output = topology.nodes().get(topology.nodes().size() - 1);
    if (output.rule().orElseThrow().loss().isEmpty()) {
      return Optional.of(
          output.label()
              + " is the network output but computes no loss; end the graph with an "
              + "OutputLayer or a LossLayer");
    }
    return Optional.empty();
  }

  @Override
  public GradientMethod method() {
    return method;
  }

  @Override
  public ClippableGradients gradients(
      INDArray features, INDArray labels, INDArray featuresMask, INDArray labelsMask) {
    return backward(new Batch(features, labels, featuresMask, labelsMask));
  }

  /**
   * The forward and backward pass of a batch, with its squared norms; its arrays stay in the
   * engine's workspace until {@link MultiLayerClipping.Backward#weightedSum} or the thread's next
   * batch.
   */
  MultiLayerClipping.Backward backward(Batch batch) {
    return MultiLayerClipping.Backward.held(
        () -> compute(batch, true), MultiLayerClipping.PhaseListener.NONE);
  }

  /**
   * The per-example gradient L2 norms of a batch (all parameters together).
   *
   * @return {@code B} norms, NaN or infinite where the example's gradient is not finite
   */
  double[] perExampleNorms(Batch batch) {
    try (MemoryWorkspace ignored = EngineMemory.enter()) {
      return ClipFactors.norms(compute(batch, true).squaredNorms());
    }
  }

  /** The plain gradient sum of a batch (see {@link MultiLayerClipping.GradientSum}). */
  MultiLayerClipping.GradientSum gradientSum(Batch batch) {
    try (MemoryWorkspace ignored = EngineMemory.enter()) {
      return compute(batch, false).gradientSum();
    }
  }

  /** The passes of a batch inside the engine's workspace, which the caller has entered. */
  private MultiLayerClipping.Backward compute(Batch batch, boolean norms) {
    double[] squaredNorms = new double[batch.size()];
    long parameters = graph.numParams();
    if (batch.size() == 0) {
      return new MultiLayerClipping.Backward(List.of(), squaredNorms, 0.0, parameters);
    }
    Topology topology = Topology.of(graph, batch.featuresMask());
    List<Node> nodes = topology.nodes();
    int vertices = graph.getVertices().length;
    INDArray[] outputs = new INDArray[vertices];
    INDArray[] masks = new INDArray[vertices];
    outputs[topology.input()] = batch.features();
    masks[topology.input()] = batch.featuresMask();
    VertexRule.Pass[] passes = new VertexRule.Pass[nodes.size()];
    boolean[] parametersAtOrAbove = new boolean[vertices];
    List<LayerRule.Pass> layerPasses = new ArrayList<>();
    for (int k = 0; k < nodes.size(); k++) {
      Node node = nodes.get(k);
      VertexRule rule = node.rule().orElseThrow();
      INDArray[] inputs = new INDArray[node.inputs().length];
      for (int j = 0; j < inputs.length; j++) {
        inputs[j] = outputs[node.inputs()[j]];
        parametersAtOrAbove[node.vertex()] |= parametersAtOrAbove[node.inputs()[j]];
      }
      parametersAtOrAbove[node.vertex()] |= rule.hasParameters();
      INDArray mask = combinedMask(masks, node.inputs());
      try {
        passes[k] = rule.forward(inputs, mask);
      } catch (LayerRule.MaskNotTaken e) {
        throw new IllegalArgumentException(
            "featuresMask must reach only layers that read sequences, but "
                + node.label()
                + " "
                + e.getMessage(),
            e);
      }
      outputs[node.vertex()] = passes[k].output();
      masks[node.vertex()] = rule.outputMask(mask);
      layerPasses.addAll(passes[k].layerPasses());
    }
    Node last = nodes.get(nodes.size() - 1);
    LayerRule.Loss loss = last.rule().orElseThrow().loss().orElseThrow();
    INDArray output = outputs[last.vertex()];
    DataType type = graph.params().dataType();
    INDArray labels = batch.labels().castTo(type);
    INDArray labelsMask = batch.labelsMask() == null ? null : batch.labelsMask().castTo(type);
    double lossSum = 0;
    for (double l : loss.exampleLosses(labels, output, labelsMask)) {
      lossSum += l;
    }
    // The last use of the output, which the output layer owns: the loss gradient may overwrite it.
    INDArray[] gradients = new INDArray[vertices];
    gradients[last.vertex()] = loss.gradient(labels, output, labelsMask);
    for (int k = nodes.size() - 1; k >= 0; k--) {
      Node node = nodes.get(k);
      INDArray gradient = gradients[node.vertex()];
      gradients[node.vertex()] = null;
      boolean[] needed = new boolean[node.inputs().length];
      boolean any = false;
      for (int j = 0; j < needed.length; j++) {
        needed[j] = parametersAtOrAbove[node.inputs()[j]];
        any |= needed[j];
      }
      if (gradient == null || !(any || node.rule().orElseThrow().hasParameters())) {
        continue;
      }
      INDArray[] inputGradients = passes[k].backward(gradient, needed);
      for (int j = 0; j < needed.length; j++) {
        int input = node.inputs()[j];
        if (!needed[j]) {
          continue;
        }
        gradients[input] =
            gradients[input] == null
                ? inputGradients[j]
                : DenseLayout.addInPlace(gradients[input], inputGradients[j]);
      }
    }
    MultiLayerClipping.Backward pass =
        new MultiLayerClipping.Backward(layerPasses, squaredNorms, lossSum, parameters);
    if (norms) {
      pass.addSquaredNorms(MultiLayerClipping.PhaseListener.NONE);
    }
    return pass;
  }

  /**
   * Checks that {@code graph} is not null, initialised, and has one input and one output.
   *
   * @throws IllegalArgumentException naming the graph, the rule and what it has
   */
  static void checkShape(ComputationGraph graph) {
    Checks.notNull("graph", graph);
    Checks.require(
        graph.getVertices() != null && graph.params() != null,
        "graph",
        "initialised (init())",
        "a graph without vertices");
    Checks.require(
        graph.getNumInputArrays() == 1 && graph.getNumOutputArrays() == 1,
        "graph",
        "one input and one output",
        graph.getNumInputArrays() + " inputs and " + graph.getNumOutputArrays() + " outputs");
  }

  /**
   * The mask of a vertex's inputs, as DL4J's merge and element-wise vertices combine them: null
   * when any input has none (every step present), the mask itself when all share it, else their
   * entry-wise maximum (a step is present when it is present in any input).
   */
  private static INDArray combinedMask(INDArray[] masks, int[] inputs) {
    INDArray combined = masks[inputs[0]];
    for (int j = 1; j < inputs.length && combined != null; j++) {
      INDArray mask = masks[inputs[j]];
      if (mask == null) {
        return null;
      }
      if (mask != combined) {
        combined = Transforms.max(combined, mask, true);
      }
    }
    return combined;
  }

  /**
   * A vertex other than the input, as the engine walks it.
   *
   * @param vertex its index in {@code getVertices()}
   * @param label how messages name it, e.g. {@code vertex "conv1"}
   * @param inputs the indices of the vertices that feed it, in its input order
   * @param rule its rule, empty when it has none
   * @param reason why it has no rule or is otherwise unsupported, without the method's checks
   * @param sites the layer sites of a layer vertex (for the method's checks), else empty
   */
  private record Node(
      int vertex,
      String label,
      int[] inputs,
      Optional<VertexRule> rule,
      Optional<String> reason,
      List<LayerSite> sites) {

    Optional<String> reason(GradientMethod method) {
      if (reason.isPresent()) {
        return reason;
      }
      for (LayerSite site : sites) {
        Optional<String> layer = LayerRules.unsupportedReason(site, method);
        if (layer.isPresent()) {
          return layer;
        }
      }
      return rule.orElseThrow().unsupportedReason().map(r -> label + " " + r);
    }
  }

  /**
   * The graph's vertices in topological order, without its input.
   *
   * @param input the index of the input vertex
   * @param nodes every other vertex, the output last
   */
  private record Topology(int input, List<Node> nodes) {

    /**
     * @param inputMask the features mask of the network input, for the vertices that read it
     *     directly ({@code LastTimeStepVertex}); null when there is none or no batch
     */
    static Topology of(ComputationGraph graph, INDArray inputMask) {
      checkShape(graph);
      GraphVertex[] vertices = graph.getVertices();
      ComputationGraphConfiguration conf = graph.getConfiguration();
      int input = graph.getVertex(conf.getNetworkInputs().get(0)).getVertexIndex();
      int output = graph.getVertex(conf.getNetworkOutputs().get(0)).getVertexIndex();
      Map<String, org.deeplearning4j.nn.conf.graph.GraphVertex> configs = conf.getVertices();
      List<Node> nodes = new ArrayList<>();
      for (int index : graph.topologicalSortOrder()) {
        GraphVertex vertex = vertices[index];
        if (index == input) {
          continue;
        }
        nodes.add(
            node(graph, vertex, input, output, configs.get(vertex.getVertexName()), inputMask));
      }
      // The output last: topological orders may put vertices that do not feed it after it.
      Node last = nodes.stream().filter(n -> n.vertex() == output).findFirst().orElseThrow();
      nodes.remove(last);
      nodes.add(last);
      return new Topology(input, nodes);
    }

    private static Node node(
        ComputationGraph graph,
        GraphVertex vertex,
        int input,
        int output,
        org.deeplearning4j.nn.conf.graph.GraphVertex config,
        INDArray inputMask) {
      String label = "vertex \"" + vertex.getVertexName() + "\"";
      VertexIndices[] in = vertex.getInputVertices();
      int[] inputs = new int[in == null ? 0 : in.length];
      for (int j = 0; j < inputs.length; j++) {
        inputs[j] = in[j].getVertexIndex();
      }
      int consumers = vertex.getOutputVertices() == null ? 0 : vertex.getOutputVertices().length;
      boolean last = vertex.getVertexIndex() == output;
      Optional<String> problem = Optional.empty();
      if (last && consumers > 0) {
        problem = Optional.of(label + " is the network output and also feeds other vertices");
      } else if (!last && consumers == 0) {
        problem = Optional.of(label + " does not lead to the network output");
      }
      if (vertex instanceof LayerVertex layerVertex) {
        LayerSite site =
            new LayerSite(
                label,
                layerVertex.getLayer(),
                graph.params(),
                inputs.length == 1 && inputs[0] == input,
                last);
        List<LayerRule> rules = new ArrayList<>();
        InputPreProcessor preprocessor = layerVertex.getLayerPreProcessor();
        Optional<String> reason =
            problem.or(() -> LayerRules.unsupportedReason(site, GradientMethod.LAYERWISE));
        if (preprocessor != null) {
          PreprocessorRule rule = new PreprocessorRule(preprocessor);
          reason = reason.or(() -> rule.unsupportedReason().map(r -> site.name() + " " + r));
          rules.add(rule);
        }
        if (reason.isPresent()) {
          return new Node(
              vertex.getVertexIndex(), label, inputs, Optional.empty(), reason, List.of());
        }
        rules.add(LayerRules.ruleFor(site));
        return new Node(
            vertex.getVertexIndex(),
            label,
            inputs,
            Optional.of(new ChainRule(rules)),
            Optional.empty(),
            List.of(site));
      }
      VertexRules.Rule rule = VertexRules.ruleFor(label, config, inputMask);
      Optional<String> reason =
          problem.or(
              () ->
                  rule.reason()
                      .map(r -> label + " (" + config.getClass().getSimpleName() + ") " + r));
      return new Node(
          vertex.getVertexIndex(),
          label,
          inputs,
          reason.isPresent() ? Optional.empty() : rule.rule(),
          reason,
          List.of());
    }
  }
}

package org.dp4j.dl4j.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CenterLossOutputLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LearnedSelfAttentionLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.internal.Checks;

/**
 * Rejects networks that DP-SGD cannot train correctly.
 *
 * <p>DP-SGD bounds each example's influence by clipping its own gradient (Abadi et al. 2016,
 * Algorithm 1). A layer whose output for one example depends on the <em>other</em> examples of the
 * batch breaks that bound: {@link BatchNormalization} (batch mean and variance; use {@code
 * DenseLayer.Builder.hasLayerNorm(true)}, a per-example normalisation, or remove it) and {@link
 * CenterLossOutputLayer} (class centres updated from the batch; use {@code OutputLayer}). A batch
 * normalization inside a {@code FrozenLayer} runs as at inference (running statistics, no backward
 * pass) and does not mix examples; inside a {@code FrozenLayerWithBackprop} it is rejected.
 *
 * <p>Regularization (L1, L2, weight decay) configured on a layer (a {@code SameDiffLayer} such as
 * {@code SelfAttentionLayer} included) is applied by DL4J's own updater, which DP-SGD replaces;
 * rather than dropping it silently, it is rejected. Weight noise and gradient normalization are
 * rejected for the same reason. {@link LearnedSelfAttentionLayer} is rejected because DL4J
 * 1.0.0-M2.1 cannot run its forward pass at all.
 *
 * <p>Truncated backpropagation through time ({@code BackpropType.TruncatedBPTT}) is rejected: the
 * per-example gradients are each example's full gradient through time, which a truncated
 * configuration does not describe; set {@code BackpropType.Standard}.
 *
 * <p>Stateless and thread-safe.
 */
public final class LayerValidator {

  private LayerValidator() {}

  /**
   * The problems of {@code configuration}, one message per offending layer setting; empty when the
   * network can be trained privately.
   *
   * @param configuration the network configuration, not null
   * @return the messages, each naming the layer index, its type, the rule and the replacement
   */
  public static List<String> problems(MultiLayerConfiguration configuration) {
    Checks.notNull("configuration", configuration);
    List<String> problems = new ArrayList<>();
    backpropType("the network", configuration.getBackpropType(), problems);
    for (int i = 0; i < configuration.getConfs().size(); i++) {
      Layer layer = configuration.getConf(i).getLayer();
      addProblems("layer " + i + " (" + layer.getClass().getSimpleName() + ")", layer, problems);
    }
    return problems;
  }

  /**
   * The problems of a {@code ComputationGraph}'s configuration, one message per offending layer
   * setting, each naming the layer's vertex; empty when the graph can be trained privately. The
   * vertices without layers are checked by the clipping engine (stacking vertices are refused
   * there).
   *
   * @param configuration the graph configuration, not null
   * @return the messages, each naming the vertex, its layer type, the rule and the replacement
   */
  public static List<String> problems(ComputationGraphConfiguration configuration) {
    Checks.notNull("configuration", configuration);
    List<String> problems = new ArrayList<>();
    backpropType("the graph", configuration.getBackpropType(), problems);
    for (Map.Entry<String, GraphVertex> vertex : configuration.getVertices().entrySet()) {
      if (vertex.getValue() instanceof LayerVertex layerVertex) {
        Layer layer = layerVertex.getLayerConf().getLayer();
        String name =
            "vertex \"" + vertex.getKey() + "\" (" + layer.getClass().getSimpleName() + ")";
        addProblems(name, layer, problems);
      }
    }
    return problems;
  }

  private static void addProblems(String name, Layer layer, List<String> problems) {
    if (layer instanceof BatchNormalization) {
      problems.add(
          name
              + " must not mix the examples of a batch, got batch normalization "
              + "(batch statistics); remove it or use DenseLayer.Builder.hasLayerNorm(true), a "
              + "per-example normalization");
    } else if (layer instanceof FrozenLayerWithBackprop frozen
        && frozen.getUnderlying() instanceof BatchNormalization) {
      problems.add(
          name
              + " must not mix the examples of a batch, got batch normalization inside a "
              + "FrozenLayerWithBackprop, whose backward pass through it is not known to work "
              + "on each example alone; use FrozenLayer (no backward pass, running statistics "
              + "only), or remove it");
    } else if (layer instanceof CenterLossOutputLayer) {
      problems.add(
          name
              + " must not mix the examples of a batch, got class centres updated "
              + "from the batch; use OutputLayer");
    } else if (layer instanceof LearnedSelfAttentionLayer) {
      problems.add(
          name
              + " must be a layer DL4J 1.0.0-M2.1 can run, got a layer whose own forward pass "
              + "fails (its scatter_update op has no integer arguments); use a "
              + "SelfAttentionLayer followed by a GlobalPoolingLayer");
    }
    if (layer instanceof BaseLayer base) {
      updaterSettings(
          name,
          base.getRegularization(),
          base.getRegularizationBias(),
          base.getGradientNormalization(),
          problems);
      if (base.getWeightNoise() != null) {
        problems.add(name + " must have no weight noise, got " + base.getWeightNoise());
      }
    } else if (layer instanceof AbstractSameDiffLayer sameDiff) {
      updaterSettings(
          name,
          sameDiff.getRegularization(),
          sameDiff.getRegularizationBias(),
          sameDiff.getGradientNormalization(),
          problems);
    }
  }

  /**
   * Throws when {@code network} cannot be trained privately.
   *
   * @param network the network, not null
   * @throws IllegalArgumentException listing every problem of {@link #problems}
   */
  public static void validate(MultiLayerNetwork network) {
    Checks.notNull("network", network);
    List<String> problems = problems(network.getLayerWiseConfigurations());
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /**
   * Throws when {@code graph} cannot be trained privately.
   *
   * @param graph the graph, not null
   * @throws IllegalArgumentException listing every problem of {@link
   *     #problems(ComputationGraphConfiguration)}
   */
  public static void validate(ComputationGraph graph) {
    Checks.notNull("graph", graph);
    List<String> problems = problems(graph.getConfiguration());
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
  }

  /** Regularization and gradient normalization, which DL4J's updater would apply. */
  private static void updaterSettings(
      String name,
      List<?> regularization,
      List<?> regularizationBias,
      GradientNormalization normalization,
      List<String> problems) {
    if (!isEmpty(regularization) || !isEmpty(regularizationBias)) {
      problems.add(
          name
              + " must have no regularization (DP-SGD replaces DL4J's updater, "
              + "which applies it), got "
              + regularization
              + " / "
              + regularizationBias
              + "; remove l1/l2/weightDecay");
    }
    if (normalization != null && normalization != GradientNormalization.None) {
      problems.add(
          name
              + " must have no gradient normalization (DP-SGD clips per example), "
              + "got "
              + normalization);
    }
  }

  private static void backpropType(String name, BackpropType type, List<String> problems) {
    if (type == BackpropType.TruncatedBPTT) {
      problems.add(
          name
              + " must use BackpropType.Standard (each example's gradient is its full gradient"
              + " through time), got TruncatedBPTT");
    }
  }

  private static boolean isEmpty(List<?> list) {
    return list == null || list.isEmpty();
  }
}

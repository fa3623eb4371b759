package org.dp4j.dl4j.train;

import java.util.Optional;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.internal.Checks;
import org.dp4j.dl4j.gradients.GradientMethod;
import org.dp4j.dl4j.gradients.NetworkGradients;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * What the trainer needs of the network kind it trains: the model whose {@code params()} it updates
 * in place, its per-example gradients, and its layers (for the shared updater). Everything else in
 * {@link DpTrainer} is the same for a {@code MultiLayerNetwork} and a {@code ComputationGraph}.
 *
 * @param model the network or graph
 * @param gradients its per-example gradients by a method ({@link NetworkGradients#forNetwork} or
 *     {@link NetworkGradients#forGraph})
 */
record TrainedModel(Model model, Function<GradientMethod, NetworkGradients> gradients) {

  /** A {@code MultiLayerNetwork}, checked to be initialised. */
  static TrainedModel of(MultiLayerNetwork network) {
    Checks.notNull("network", network);
    Checks.require(
        network.params() != null, "network", "initialised (call init())", "null parameters");
    return new TrainedModel(network, method -> NetworkGradients.forNetwork(network, method));
  }

  /** A {@code ComputationGraph}, checked to be initialised. */
  static TrainedModel of(ComputationGraph graph) {
    Checks.notNull("graph", graph);
    Checks.require(
        graph.params() != null && graph.getLayers() != null,
        "graph",
        "initialised (call init())",
        "null parameters");
    return new TrainedModel(graph, method -> NetworkGradients.forGraph(graph, method));
  }

  /** The flat parameter vector the updates are applied to in place. */
  INDArray params() {
    return model.params();
  }

  /**
   * The initialised layers ({@code getLayers()}), whose parameters are views of {@link #params}.
   */
  Layer[] layers() {
    return model instanceof ComputationGraph graph
        ? graph.getLayers()
        : ((MultiLayerNetwork) model).getLayers();
  }

  /** The one updater the layers share, or empty (see {@link NetworkUpdater}). */
  Optional<IUpdater> sharedUpdater() {
    return NetworkUpdater.of(layers());
  }
}

package org.dp4j.cli;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.dl4j.audit.PrivacyAudit;
import org.dp4j.dl4j.train.DpTrainer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * What {@code dp4j train} and {@code dp4j audit} need of a {@link ModelKind}'s network, whether a
 * {@code MultiLayerNetwork} or a {@code ComputationGraph} (one input, one output): a private
 * trainer, the predictions for the accuracy, and DL4J's own non-private minibatch step.
 */
sealed interface TrainableModel permits TrainableModel.Layered, TrainableModel.Graph {

  /** The number of trainable parameters. */
  long numParams();

  /** A private trainer's builder for this network on {@code train} (trains it in place). */
  DpTrainer.Builder trainer(DataSet train);

  /**
   * The class probabilities for {@code features} (inference mode).
   *
   * @param features as {@link ModelKind#input} gives them
   * @return {@code [n, classes]}
   */
  INDArray output(INDArray features);

  /** One non-private step of DL4J's own updater on {@code batch}. */
  void fit(DataSet batch);

  /** The loss of the last {@link #fit} (DL4J's score). */
  double score();

  /**
   * A privacy audit's builder for this network on {@code train}.
   *
   * @throws IllegalStateException for a graph ({@link PrivacyAudit} takes a network)
   */
  PrivacyAudit.Builder audit(DataSet train);

  /** A {@code MultiLayerNetwork}. */
  record Layered(MultiLayerNetwork network) implements TrainableModel {
    @Override
    public long numParams() {
      return network.numParams();
    }

    @Override
    public DpTrainer.Builder trainer(DataSet train) {
      return DpTrainer.builder(network, train);
    }

    @Override
    public INDArray output(INDArray features) {
      return network.output(features, false);
    }

    @Override
    public void fit(DataSet batch) {
      network.fit(batch);
    }

    @Override
    public double score() {
      return network.score();
    }

    @Override
    public PrivacyAudit.Builder audit(DataSet train) {
      return PrivacyAudit.builder(network, train);
    }
  }

  /** A {@code ComputationGraph} with one input and one output. */
  record Graph(ComputationGraph graph) implements TrainableModel {
    @Override
    public long numParams() {
      return graph.numParams();
    }

    @Override
    public DpTrainer.Builder trainer(DataSet train) {
      return DpTrainer.builder(graph, train);
    }

    @Override
    public INDArray output(INDArray features) {
      return graph.outputSingle(false, features);
    }

    @Override
    public void fit(DataSet batch) {
      graph.fit(batch);
    }

    @Override
    public double score() {
      return graph.score();
    }

    @Override
    public PrivacyAudit.Builder audit(DataSet train) {
      throw new IllegalStateException("PrivacyAudit takes a MultiLayerNetwork, got a graph");
    }
  }
}

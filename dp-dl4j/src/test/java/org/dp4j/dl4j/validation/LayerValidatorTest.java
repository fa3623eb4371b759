package org.dp4j.dl4j.validation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CenterLossOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.LearnedSelfAttentionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SelfAttentionLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** Batch-mixing layers and silently dropped settings are rejected with the replacement named. */
class LayerValidatorTest {

  private static NeuralNetConfiguration.Builder base() {
    return new NeuralNetConfiguration.Builder()
        .seed(1)
        .dataType(DataType.FLOAT)
        .updater(new Sgd(0.1));
  }

  private static OutputLayer output() {
    return new OutputLayer.Builder(LossFunction.MCXENT)
        .nIn(4)
        .nOut(3)
        .activation(Activation.SOFTMAX)
        .build();
  }

  private static MultiLayerNetwork build(NeuralNetConfiguration.ListBuilder list) {
    MultiLayerNetwork network = new MultiLayerNetwork(list.build());
    network.init();
    return network;
  }

  @Test
  void batchNormalizationIsRejectedWithItsReplacement() {
    MultiLayerNetwork network =
        build(
            base()
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).build())
                .layer(new BatchNormalization.Builder().nIn(4).nOut(4).build())
                .layer(output()));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LayerValidator.validate(network));
    assertTrue(
        e.getMessage()
            .startsWith("layer 1 (BatchNormalization) must not mix the " + "examples of a batch"),
        e.getMessage());
    assertTrue(e.getMessage().contains("hasLayerNorm(true)"), e.getMessage());
  }

  @Test
  void frozenBatchNormalizationIsAcceptedWithoutBackpropAndRejectedWithIt() {
    MultiLayerNetwork frozen =
        build(
            base()
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).build())
                .layer(new FrozenLayer(new BatchNormalization.Builder().nIn(4).nOut(4).build()))
                .layer(output()));
    assertTrue(LayerValidator.problems(frozen.getLayerWiseConfigurations()).isEmpty());
    MultiLayerNetwork withBackprop =
        build(
            base()
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).build())
                .layer(
                    new FrozenLayerWithBackprop(
                        new BatchNormalization.Builder().nIn(4).nOut(4).build()))
                .layer(output()));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LayerValidator.validate(withBackprop));
    assertEquals(
        "layer 1 (FrozenLayerWithBackprop) must not mix the examples of a batch, got batch "
            + "normalization inside a FrozenLayerWithBackprop, whose backward pass through it is "
            + "not known to work on each example alone; use FrozenLayer (no backward pass, "
            + "running statistics only), or remove it",
        e.getMessage());
  }

  @Test
  void centerLossIsRejected() {
    MultiLayerNetwork network =
        build(
            base()
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).build())
                .layer(
                    new CenterLossOutputLayer.Builder(LossFunction.MCXENT)
                        .nIn(4)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build()));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LayerValidator.validate(network));
    assertTrue(e.getMessage().contains("use OutputLayer"), e.getMessage());
  }

  @Test
  void regularizationIsRejectedNotDropped() {
    MultiLayerNetwork network =
        build(
            base()
                .l2(1e-4)
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).build())
                .layer(output()));
    assertEquals(2, LayerValidator.problems(network.getLayerWiseConfigurations()).size());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LayerValidator.validate(network));
    assertTrue(
        e.getMessage().startsWith("layer 0 (DenseLayer) must have no regularization"),
        e.getMessage());
  }

  @Test
  void gradientNormalizationIsRejectedUnlessNone() {
    MultiLayerNetwork clipped =
        build(
            base()
                .gradientNormalization(GradientNormalization.ClipL2PerLayer)
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).build())
                .layer(output()));
    assertEquals(
        "layer 0 (DenseLayer) must have no gradient normalization (DP-SGD clips per "
            + "example), got ClipL2PerLayer",
        LayerValidator.problems(clipped.getLayerWiseConfigurations()).get(0));
    MultiLayerNetwork none =
        build(
            base()
                .gradientNormalization(GradientNormalization.None)
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).build())
                .layer(output()));
    assertTrue(LayerValidator.problems(none.getLayerWiseConfigurations()).isEmpty());
  }

  @Test
  void regularizationOfASameDiffLayerIsRejected() {
    MultiLayerNetwork network =
        build(
            base()
                .l2(1e-4)
                .list()
                .layer(
                    new SelfAttentionLayer.Builder()
                        .nIn(4)
                        .nOut(4)
                        .nHeads(2)
                        .projectInput(true)
                        .build())
                .layer(rnnOutput())
                .setInputType(InputType.recurrent(4, 3)));
    assertTrue(
        LayerValidator.problems(network.getLayerWiseConfigurations())
            .get(0)
            .startsWith("layer 0 (SelfAttentionLayer) must have no regularization"),
        LayerValidator.problems(network.getLayerWiseConfigurations()).toString());
  }

  /** DL4J 1.0.0-M2.1 cannot run the layer's forward pass, so the validator refuses it. */
  @Test
  void learnedSelfAttentionIsRejectedBecauseDl4jCannotRunIt() {
    MultiLayerNetwork network =
        build(
            base()
                .list()
                .layer(
                    new LearnedSelfAttentionLayer.Builder()
                        .nIn(4)
                        .nOut(4)
                        .nHeads(1)
                        .nQueries(1)
                        .projectInput(true)
                        .build())
                .layer(rnnOutput())
                .setInputType(InputType.recurrent(4, 3)));
    RuntimeException failure =
        assertThrows(
            RuntimeException.class, () -> network.output(Nd4j.ones(DataType.FLOAT, 2, 4, 3)));
    assertTrue(failure.getMessage().contains("scatter_update"), failure.getMessage());
    assertEquals(
        "layer 0 (LearnedSelfAttentionLayer) must be a layer DL4J 1.0.0-M2.1 can run, got a "
            + "layer whose own forward pass fails (its scatter_update op has no integer "
            + "arguments); use a SelfAttentionLayer followed by a GlobalPoolingLayer",
        LayerValidator.problems(network.getLayerWiseConfigurations()).get(0));
  }

  private static RnnOutputLayer rnnOutput() {
    return new RnnOutputLayer.Builder(LossFunction.MSE)
        .activation(Activation.IDENTITY)
        .nIn(4)
        .nOut(2)
        .build();
  }

  @Test
  void perExampleLayersPass() {
    MultiLayerNetwork network =
        build(
            base()
                .list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(4).hasLayerNorm(true).build())
                .layer(output()));
    assertTrue(LayerValidator.problems(network.getLayerWiseConfigurations()).isEmpty());
    assertDoesNotThrow(() -> LayerValidator.validate(network));
  }

  @Test
  void nullIsRejected() {
    NullPointerException e =
        assertThrows(
            NullPointerException.class, () -> LayerValidator.validate((MultiLayerNetwork) null));
    assertEquals("network must not be null", e.getMessage());
    e =
        assertThrows(
            NullPointerException.class, () -> LayerValidator.validate((ComputationGraph) null));
    assertEquals("graph must not be null", e.getMessage());
  }

  @Test
  void truncatedBackpropagationThroughTimeIsRejectedForNetworksAndGraphs() {
    MultiLayerConfiguration network =
        base()
            .list()
            .layer(new LSTM.Builder().nIn(3).nOut(4).build())
            .layer(
                new RnnOutputLayer.Builder(LossFunction.MSE)
                    .nIn(4)
                    .nOut(2)
                    .activation(Activation.IDENTITY)
                    .build())
            .backpropType(BackpropType.TruncatedBPTT)
            .tBPTTLength(5)
            .build();
    assertEquals(
        List.of(
            "the network must use BackpropType.Standard (each example's gradient is its full"
                + " gradient through time), got TruncatedBPTT"),
        LayerValidator.problems(network));
    ComputationGraphConfiguration graph =
        base()
            .graphBuilder()
            .addInputs("in")
            .addLayer("lstm", new LSTM.Builder().nIn(3).nOut(4).build(), "in")
            .addLayer(
                "out",
                new RnnOutputLayer.Builder(LossFunction.MSE)
                    .nIn(4)
                    .nOut(2)
                    .activation(Activation.IDENTITY)
                    .build(),
                "lstm")
            .setOutputs("out")
            .backpropType(BackpropType.TruncatedBPTT)
            .tBPTTForwardLength(5)
            .tBPTTBackwardLength(5)
            .build();
    assertEquals(
        List.of(
            "the graph must use BackpropType.Standard (each example's gradient is its full"
                + " gradient through time), got TruncatedBPTT"),
        LayerValidator.problems(graph));
  }

  @Test
  void aGraphsLayersAreCheckedAndNamedByVertex() {
    ComputationGraph graph =
        new ComputationGraph(
            base()
                .graphBuilder()
                .addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(5).nOut(4).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().nIn(4).nOut(4).build(), "dense")
                .addLayer(
                    "center",
                    new CenterLossOutputLayer.Builder()
                        .nIn(4)
                        .nOut(3)
                        .activation(Activation.SOFTMAX)
                        .build(),
                    "bn")
                .setOutputs("center")
                .build());
    graph.init();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LayerValidator.validate(graph));
    assertEquals(
        "vertex \"bn\" (BatchNormalization) must not mix the examples of a batch, got batch "
            + "normalization (batch statistics); remove it or use "
            + "DenseLayer.Builder.hasLayerNorm(true), a per-example normalization; "
            + "vertex \"center\" (CenterLossOutputLayer) must not mix the examples of a batch, "
            + "got class centres updated from the batch; use OutputLayer",
        e.getMessage());
  }

  @Test
  void aGraphWithRegularizationIsRejected() {
    ComputationGraph graph =
        new ComputationGraph(
            base()
                .l2(1e-4)
                .graphBuilder()
                .addInputs("in")
                .addLayer("out", output(), "in")
                .setOutputs("out")
                .build());
    graph.init();
    assertEquals(1, LayerValidator.problems(graph.getConfiguration()).size());
    assertTrue(
        LayerValidator.problems(graph.getConfiguration())
            .get(0)
            .startsWith("vertex \"out\" (OutputLayer) must have no regularization"));
  }
}

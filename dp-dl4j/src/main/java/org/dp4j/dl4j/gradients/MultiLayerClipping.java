package org.dp4j.dl4j.gradients;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.internal.Checks;
import org.dp4j.training.clipping.ClippableGradients;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The per-example gradients of a {@link MultiLayerNetwork} from one batched forward and backward
 * pass, without a {@code [B, P]} gradient matrix: each layer (and each input preprocessor) is
 * handled by its {@link LayerRule}, and this engine only walks them.
 *
 * <p>{@link #gradients} runs the rules' forward passes in order, DL4J's own loss function on the
 * last rule's output ({@code ILossFunction.computeScoreArray} and {@code computeGradient},
 * per-example sums, not means), the rules' backward passes in reverse (no input gradient below the
 * first layer with parameters), and sums the per-example squared norms {@code ||g_i||^2} over the
 * rules in double. dp-training's flat clipper then picks one factor per example by its one rule
 * (error-inflated norm, slack {@code 1 - 2^-20}, non-finite examples skipped or rejected), and
 * every rule writes its block of the clipped sum {@code sum_i c_i g_i}, laid out as {@code
 * params()}. Every batch gets a fresh sum; nothing is cached, so batch sizes may change freely.
 *
 * <p>{@link GradientMethod#GHOST} accepts networks whose rules all work from ghost norms (dense,
 * embedding, output, loss and pooling layers, preprocessors); {@link GradientMethod#LAYERWISE} also
 * accepts rules that form per-example gradients (convolutions). The computation is the same.
 *
 * <p>Reads the network's current parameters and never changes them; sets the input field of pooling
 * layers, as DL4J's forward pass does. Not thread-safe.
 */
final class MultiLayerClipping implements NetworkGradients {

  private final MultiLayerNetwork network;
  private final GradientMethod method;

  private MultiLayerClipping(MultiLayerNetwork network, GradientMethod method) {
    this.network = network;
    this.method = method;
  }

  /**
   * The clipping of {@code network} by {@code method}.
   *
   * @param method {@link GradientMethod#GHOST} or {@link GradientMethod#LAYERWISE}
   * @throws IllegalArgumentException when a layer is not supported (the message names it)
   */
  static MultiLayerClipping of(MultiLayerNetwork network, GradientMethod method) {
    String reason = unsupportedReason(network, method).orElse(null);
    Checks.require(
        reason == null,
        "network",
        "supported by " + (method == GradientMethod.GHOST ? "ghost" : "layerwise") + " clipping",
        reason);
    return new MultiLayerClipping(network, method);
  }

  /** The clipping of {@code network} by {@code method}, or empty when a layer is not supported. */
  static Optional<NetworkGradients> ifSupported(MultiLayerNetwork network, GradientMethod method) {
    return unsupportedReason(network, method).isEmpty()
        ? Optional.of(new MultiLayerClipping(network, method))
        : Optional.empty();
  }

  /**
   * Why {@code method} cannot clip {@code network}, or empty when it can.
   *
   * @param network an initialised network
   * @param method {@link GradientMethod#GHOST} or {@link GradientMethod#LAYERWISE}
   * @return the reason, naming the first unsupported layer and the rule it breaks
   */
  static Optional<String> unsupportedReason(MultiLayerNetwork network, GradientMethod method) {
    Checks.notNull("network", network);
    Checks.require(
        method == GradientMethod.GHOST || method == GradientMethod.LAYERWISE,
        "method",
        "GHOST or LAYERWISE",
        method);
    MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
    List<LayerSite> sites = sites(network);
    for (int i = 0; i < sites.size(); i++) {
      LayerSite site = sites.get(i);
      InputPreProcessor preprocessor = conf.getInputPreProcess(i);
      Optional<String> reason =
          LayerRules.unsupportedReason(site, method)
              .or(
                  () ->
                      preprocessor == null
                          ? Optional.empty()
                          : new PreprocessorRule(preprocessor)
                              .unsupportedReason()
                              .map(r -> site.name() + " " + r));
      if (reason.isPresent()) {
        return reason;
      }
    }
    LayerSite last = sites.get(sites.size() - 1);
    if (LayerRules.ruleFor(last).loss().isEmpty()) {
      return Optional.of(
          last.name()
              + " is the last layer but computes no loss; end the "
              + "network with an OutputLayer or a LossLayer");
    }
    return Optional.empty();
  }

  @Override
  public GradientMethod method() {
    return method;
  }

  /**
   * The per-example gradient L2 norms of a batch (all parameters together).
   *
   * @param features the batch's features, leading dimension {@code B}, in the shape the network
   *     takes
   * @param labels the batch's labels, leading dimension {@code B}
   * @return {@code B} norms, NaN or infinite where the example's gradient is not finite
   * @throws IllegalArgumentException when the leading dimensions differ
   */
  double[] perExampleNorms(INDArray features, INDArray labels) {
    return ClipFactors.norms(backward(features, labels).squaredNorms);
  }

  @Override
  public ClippableGradients gradients(INDArray features, INDArray labels) {
    return backward(features, labels);
  }

  /**
   * One batch's forward and backward pass through every rule, as clippable gradients: the squared
   * norms are ready; {@link #weightedSum} lets every rule write its block.
   */
  final class Backward implements ClippableGradients {
    private final List<LayerRule.Pass> passes;
    private final double[] squaredNorms;
    private final double lossSum;
    private boolean summed;

    /**
     * @param passes the rules' passes, in network order (a preprocessor's before its layer's);
     *     empty for an empty batch
     * @param squaredNorms {@code ||g_i||^2} per example
     * @param lossSum the sum of the per-example losses
     */
    Backward(List<LayerRule.Pass> passes, double[] squaredNorms, double lossSum) {
      this.passes = passes;
      this.squaredNorms = squaredNorms;
      this.lossSum = lossSum;
    }

    /** The rules' passes, in network order. */
    List<LayerRule.Pass> passes() {
      return passes;
    }

    @Override
    public int batchSize() {
      return squaredNorms.length;
    }

    @Override
    public long parameterCount() {
      return network.numParams();
    }

    @Override
    public double[] squaredNorms() {
      return squaredNorms.clone();
    }

    /**
     * The network's parameter count plus its number of passes. The ghost norms {@code sum over
     * layers of (||a||^2 + [bias]) ||delta||^2} and the per-example convolution norms have at most
     * {@code n_a + n_d + 2} rounding errors per layer ({@code n_a} and {@code n_d} the entries of
     * {@code a} and {@code delta}, or the layer's weight-gradient entries) plus one per layer for
     * the sum over layers; this count bounds that, since {@code (n_a + 1) n_d >= n_a + n_d}.
     */
    @Override
    public long squaredNormRoundingTerms() {
      return network.numParams() + passes.size();
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
            "weightedSum must be called once per batch, got a second " + "call");
      }
      summed = true;
      long parameters = network.numParams();
      INDArray sum = Nd4j.zeros(DataType.FLOAT, 1, parameters);
      ClipFactors clip = new ClipFactors(factors);
      long written = 0;
      for (LayerRule.Pass layer : passes) {
        written += layer.addClippedSum(clip, sum);
      }
      if (factors.length > 0 && written != parameters) {
        throw new IllegalStateException(
            "the layer rules laid out "
                + written
                + " parameters, "
                + "the network has "
                + parameters);
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

  /** The forward and backward pass of a batch, with its squared norms. */
  Backward backward(INDArray features, INDArray labels) {
    int batch = BatchSize.of(features, labels);
    double[] squaredNorms = new double[batch];
    if (batch == 0) {
      return new Backward(List.of(), squaredNorms, 0.0);
    }
    List<LayerRule> rules = rules();
    List<LayerRule.Pass> passes = new ArrayList<>(rules.size());
    INDArray output = features;
    for (LayerRule rule : rules) {
      LayerRule.Pass pass = rule.forward(output);
      passes.add(pass);
      output = pass.output();
    }
    LayerRule.Loss loss = rules.get(rules.size() - 1).loss().orElseThrow();
    INDArray typedLabels = labels.castTo(network.params().dataType());
    double lossSum =
        loss.function()
            .computeScoreArray(typedLabels, output.dup(), loss.activation(), null)
            .sumNumber()
            .doubleValue();
    // The last use of the output, which the final rule owns: computeGradient may overwrite it.
    INDArray gradient =
        loss.function().computeGradient(typedLabels, output, loss.activation(), null);
    int firstWithParameters = 0;
    while (firstWithParameters < rules.size() && !rules.get(firstWithParameters).hasParameters()) {
      firstWithParameters++;
    }
    for (int k = passes.size() - 1; k >= firstWithParameters; k--) {
      gradient = passes.get(k).backward(gradient, k > firstWithParameters);
    }
    for (LayerRule.Pass pass : passes) {
      pass.addSquaredNorms(squaredNorms);
    }
    return new Backward(passes, squaredNorms, lossSum);
  }

  /** The rules of the network's layers, each layer's preprocessor (if any) before it. */
  private List<LayerRule> rules() {
    MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
    List<LayerSite> sites = sites(network);
    List<LayerRule> rules = new ArrayList<>();
    for (int i = 0; i < sites.size(); i++) {
      InputPreProcessor preprocessor = conf.getInputPreProcess(i);
      if (preprocessor != null) {
        rules.add(new PreprocessorRule(preprocessor));
      }
      rules.add(LayerRules.ruleFor(sites.get(i)));
    }
    return rules;
  }

  private static List<LayerSite> sites(MultiLayerNetwork network) {
    org.deeplearning4j.nn.api.Layer[] layers = network.getLayers();
    Checks.require(
        layers != null && layers.length > 0,
        "network",
        "initialised (init())",
        "a network without layers");
    INDArray parameters = network.params();
    List<LayerSite> sites = new ArrayList<>(layers.length);
    for (int i = 0; i < layers.length; i++) {
      sites.add(new LayerSite("layer " + i, layers[i], parameters, i == 0, i == layers.length - 1));
    }
    return sites;
  }
}

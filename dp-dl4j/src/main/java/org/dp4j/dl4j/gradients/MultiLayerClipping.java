package org.dp4j.dl4j.gradients;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.dp4j.core.internal.Checks;
import org.dp4j.training.clipping.ClippableGradients;
import org.dp4j.training.clipping.FlatClipper;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The per-example gradients of a {@link MultiLayerNetwork} from one batched forward and backward
 * pass, without a {@code [B, P]} gradient matrix: each layer (and each input preprocessor) is
 * handled by its {@link LayerRule}, and this engine only walks them.
 *
 * <p>{@link #gradients} runs the rules' forward passes in order (threading the features mask
 * through them, {@link LayerRule#outputMask}), the last rule's loss on its output ({@link
 * LayerRule.Loss}: DL4J's loss function, with the labels mask; per-example sums, not means), the
 * rules' backward passes in reverse (no input gradient below the first layer with parameters), and
 * sums the per-example squared norms {@code ||g_i||^2} over the rules in double. dp-training's flat
 * clipper then picks one factor per example by its one rule (error-inflated norm, slack {@code 1 -
 * 2^-20}, non-finite examples skipped or rejected), and every rule writes its block of the clipped
 * sum {@code sum_i c_i g_i}, laid out as {@code params()}. Every batch gets a fresh sum; nothing is
 * cached, so batch sizes may change freely.
 *
 * <p>A batch's intermediate arrays (outputs, unfolded inputs, deltas, per-example convolution
 * gradients) live in one ND4J workspace per thread ({@link EngineMemory}), whose memory the next
 * batch reuses. The workspace stays open, but is not the current one, from {@link #gradients} to
 * the batch's {@link Backward#weightedSum} (on the same thread, before the next batch's gradients):
 * arrays that other code creates in between are ordinary allocations.
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
    return perExampleNorms(features, labels, null, null);
  }

  /** As {@link #perExampleNorms(INDArray, INDArray)}, with masks (each may be null). */
  double[] perExampleNorms(
      INDArray features, INDArray labels, INDArray featuresMask, INDArray labelsMask) {
    try (MemoryWorkspace ignored = EngineMemory.enter()) {
      Batch batch = new Batch(features, labels, featuresMask, labelsMask);
      return ClipFactors.norms(compute(batch, PhaseListener.NONE, true).squaredNorms);
    }
  }

  @Override
  public ClippableGradients gradients(
      INDArray features, INDArray labels, INDArray featuresMask, INDArray labelsMask) {
    return backward(new Batch(features, labels, featuresMask, labelsMask));
  }

  /**
   * The plain (non-private) gradient of a batch through the same rules: {@code sum_i g_i}, laid out
   * as {@code params()}, without per-example norms or clipping; convolutions compute their weight
   * gradient as one product over the batch. For comparing the private step with the non-private
   * step of the same engine.
   *
   * @param sum the {@code FLOAT} {@code [1, P]} sum, fresh and outside any workspace
   * @param meanLoss the mean per-example loss (NaN for an empty batch)
   */
  record GradientSum(INDArray sum, double meanLoss) {}

  /** The plain gradient sum of a batch (see {@link GradientSum}). */
  GradientSum gradientSum(INDArray features, INDArray labels) {
    return gradientSum(new Batch(features, labels, null, null));
  }

  /** The plain gradient sum of a batch with masks (see {@link GradientSum}). */
  GradientSum gradientSum(Batch batch) {
    try (MemoryWorkspace ignored = EngineMemory.enter()) {
      return compute(batch, PhaseListener.NONE, false).gradientSum();
    }
  }

  /**
   * The flat-clipped sum of a batch ({@link FlatClipper}, skipping non-finite examples) with a
   * listener told when each rule's phase ends, for profiles.
   *
   * @return the clipped sum, as {@link FlatClipper#clipAndSum} returns it
   */
  INDArray clipAndSum(INDArray features, INDArray labels, double clipNorm, PhaseListener listener) {
    Backward pass =
        Backward.held(
            () -> compute(new Batch(features, labels, null, null), listener, true), listener);
    return FlatClipper.of(clipNorm).clipAndSum(pass).sum();
  }

  /**
   * One batch's forward and backward pass through the layer rules of a network, or of a graph
   * ({@link GraphClipping}), as clippable gradients: the squared norms are ready; {@link
   * #weightedSum} lets every rule write its block of {@code params()}.
   */
  static final class Backward implements ClippableGradients {
    private final List<LayerRule.Pass> passes;
    private final double[] squaredNorms;
    private final double lossSum;
    private final long parameters;
    private boolean summed;
    private MemoryWorkspace workspace; // open, not current, until the weighted sum; null if none
    private long generation;
    private PhaseListener listener = PhaseListener.NONE;

    /**
     * @param passes the rules' passes, in forward order (a preprocessor's before its layer's);
     *     empty for an empty batch
     * @param squaredNorms {@code ||g_i||^2} per example, added to by {@link #addSquaredNorms}
     * @param lossSum the sum of the per-example losses
     * @param parameters the network's parameter count
     */
    Backward(List<LayerRule.Pass> passes, double[] squaredNorms, double lossSum, long parameters) {
      this.passes = passes;
      this.squaredNorms = squaredNorms;
      this.lossSum = lossSum;
      this.parameters = parameters;
    }

    /**
     * Enters the engine's workspace, runs {@code compute} in it, and keeps the workspace open (but
     * makes the workspace that was current before it current again) for {@link #weightedSum};
     * closes it at once when {@code compute} throws.
     *
     * @param sumListener told when each rule's clipped-sum phase ends
     */
    static Backward held(Supplier<Backward> compute, PhaseListener sumListener) {
      MemoryWorkspace open = EngineMemory.enter();
      Backward pass;
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

    /** The rules' passes, in forward order. */
    List<LayerRule.Pass> passes() {
      return passes;
    }

    /** Adds every pass's share of each example's squared norm (after the backward passes). */
    void addSquaredNorms(PhaseListener listener) {
      for (int k = 0; k < passes.size(); k++) {
        passes.get(k).addSquaredNorms(squaredNorms);
        listener.phaseEnded(k, Phase.NORMS);
      }
    }

    /**
     * The plain gradient sum {@code sum_i g_i} of the passes and the mean loss, computed inside the
     * workspace that holds the passes; the sum is fresh and outside any workspace.
     */
    GradientSum gradientSum() {
      INDArray sum = detachedZeros(parameters);
      int size = batchSize();
      long written = 0;
      for (LayerRule.Pass layer : passes) {
        written += layer.addGradientSum(size, sum);
      }
      checkLayout(size, written, parameters);
      return new GradientSum(sum, size == 0 ? Double.NaN : lossSum / size);
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
     * The network's parameter count plus its number of passes. The ghost norms {@code sum over
     * layers of (||a||^2 + [bias]) ||delta||^2} and the per-example convolution norms have at most
     * {@code n_a + n_d + 2} rounding errors per layer ({@code n_a} and {@code n_d} the entries of
     * {@code a} and {@code delta}, or the layer's weight-gradient entries) plus one per layer for
     * the sum over layers; this count bounds that, since {@code (n_a + 1) n_d >= n_a + n_d}.
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
          listener.phaseEnded(k, Phase.CLIPPED_SUM);
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

    private static INDArray detachedZeros(long parameters) {
      try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        return Nd4j.zeros(DataType.FLOAT, 1, parameters);
      }
    }

    private static void checkLayout(int batch, long written, long parameters) {
      if (batch > 0 && written != parameters) {
        throw new IllegalStateException(
            "the layer rules laid out " + written + " parameters, the network has " + parameters);
      }
    }
  }

  /** The phases of one rule in a step, in the order {@link PhaseListener} hears them. */
  enum Phase {
    /** The rule's forward pass. */
    FORWARD,
    /** The loss and its gradient (reported for the last rule). */
    LOSS,
    /** The rule's backward pass. */
    BACKWARD,
    /** Its share of the per-example squared norms (per-example convolution gradients). */
    NORMS,
    /** Its block of the clipped sum. */
    CLIPPED_SUM
  }

  /** Told when a rule's phase ends, for profiles; {@link #NONE} ignores it. */
  interface PhaseListener {
    /** The listener that does nothing. */
    PhaseListener NONE = (rule, phase) -> {};

    /**
     * @param rule the rule's index in the engine's list (a preprocessor's before its layer's)
     * @param phase the phase that ended
     */
    void phaseEnded(int rule, Phase phase);
  }

  /**
   * The forward and backward pass of a batch, with its squared norms; its arrays stay in the
   * engine's workspace until {@link Backward#weightedSum} or the thread's next batch.
   */
  Backward backward(INDArray features, INDArray labels) {
    return backward(new Batch(features, labels, null, null));
  }

  /** As {@link #backward(INDArray, INDArray)}, with the batch's masks. */
  Backward backward(Batch batch) {
    return Backward.held(() -> compute(batch, PhaseListener.NONE, true), PhaseListener.NONE);
  }

  /** The passes of a batch inside the engine's workspace, which the caller has entered. */
  private Backward compute(Batch batch, PhaseListener listener, boolean norms) {
    int size = batch.size();
    double[] squaredNorms = new double[size];
    if (size == 0) {
      return new Backward(List.of(), squaredNorms, 0.0, network.numParams());
    }
    List<LayerRule> rules = rules();
    List<LayerRule.Pass> passes = new ArrayList<>(rules.size());
    INDArray output = batch.features();
    INDArray mask = batch.featuresMask();
    for (int k = 0; k < rules.size(); k++) {
      LayerRule rule = rules.get(k);
      LayerRule.Pass pass;
      try {
        pass = rule.forward(output, mask);
      } catch (LayerRule.MaskNotTaken e) {
        throw new IllegalArgumentException(
            "featuresMask must reach only layers that read sequences, but "
                + ruleNames().get(k)
                + " "
                + e.getMessage(),
            e);
      }
      mask = rule.outputMask(mask);
      passes.add(pass);
      output = pass.output();
      listener.phaseEnded(k, Phase.FORWARD);
    }
    LayerRule.Loss loss = rules.get(rules.size() - 1).loss().orElseThrow();
    DataType type = network.params().dataType();
    INDArray typedLabels = batch.labels().castTo(type);
    INDArray labelsMask = batch.labelsMask() == null ? null : batch.labelsMask().castTo(type);
    double lossSum = 0;
    for (double l : loss.exampleLosses(typedLabels, output, labelsMask)) {
      lossSum += l;
    }
    // The last use of the output, which the final rule owns: the loss gradient may overwrite it.
    INDArray gradient = loss.gradient(typedLabels, output, labelsMask);
    listener.phaseEnded(rules.size() - 1, Phase.LOSS);
    int firstWithParameters = 0;
    while (firstWithParameters < rules.size() && !rules.get(firstWithParameters).hasParameters()) {
      firstWithParameters++;
    }
    for (int k = passes.size() - 1; k >= firstWithParameters; k--) {
      gradient = passes.get(k).backward(gradient, k > firstWithParameters);
      listener.phaseEnded(k, Phase.BACKWARD);
    }
    Backward backward = new Backward(passes, squaredNorms, lossSum, network.numParams());
    if (norms) {
      backward.addSquaredNorms(listener);
    }
    return backward;
  }

  /**
   * What each rule of {@link #rules()} handles, e.g. {@code "layer 0 (ConvolutionLayer)"} or {@code
   * "layer 3 preprocessor (CnnToFeedForwardPreProcessor)"}, in the engine's order.
   */
  List<String> ruleNames() {
    MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
    List<LayerSite> sites = sites(network);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < sites.size(); i++) {
      InputPreProcessor preprocessor = conf.getInputPreProcess(i);
      if (preprocessor != null) {
        names.add(
            sites.get(i).label()
                + " preprocessor ("
                + preprocessor.getClass().getSimpleName()
                + ")");
      }
      names.add(sites.get(i).name());
    }
    return names;
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

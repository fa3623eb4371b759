package org.dp4j.dl4j.gradients;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The layer types that have a {@link LayerRule}, and the checks every layer goes through. A new
 * layer type is one rule class with a {@code TYPE} and one entry in {@link #TYPES}.
 */
final class LayerRules {

  /** Every rule's type, in the order the unsupported-layer message lists them. */
  static final List<LayerRule.Type> TYPES =
      List.of(
          ConvolutionRule.TYPE,
          PoolingRule.TYPE,
          DenseRule.TYPE,
          EmbeddingRule.TYPE,
          SelfAttentionRule.TYPE,
          OutputRule.TYPE,
          LossRule.TYPE,
          LstmRule.TYPE,
          LstmRule.GRAVES_TYPE,
          SimpleRnnRule.TYPE,
          BidirectionalRule.TYPE,
          LastTimeStepRule.TYPE,
          MaskZeroRule.TYPE,
          TimeDistributedRule.TYPE,
          EmbeddingSequenceRule.TYPE,
          RnnOutputRule.TYPE,
          RnnLossRule.TYPE,
          GlobalPoolingRule.TYPE,
          Convolution1DRule.TYPE,
          PReLURule.TYPE,
          ActivationRule.TYPE,
          DropoutLayerRule.TYPE,
          FrozenRule.TYPE);

  private LayerRules() {}

  /**
   * Why {@code method} cannot clip the layer at {@code site}, or empty when it can: no rule for its
   * type and position, dropout that {@link InputDropout} does not apply, the rule's own reason, or
   * a rule that forms per-example gradients under {@link GradientMethod#GHOST}.
   *
   * @return the reason, starting with the layer's name
   */
  static Optional<String> unsupportedReason(LayerSite site, GradientMethod method) {
    Optional<LayerRule.Type> type = type(site);
    if (type.isEmpty()) {
      return Optional.of(site.name() + " is not " + descriptions());
    }
    Optional<String> dropout = InputDropout.unsupportedReason(site);
    if (dropout.isPresent()) {
      return dropout.map(r -> site.name() + " " + r);
    }
    LayerRule rule = type.get().create().apply(site);
    Optional<String> reason = rule.unsupportedReason();
    if (reason.isPresent()) {
      return reason.map(r -> site.name() + " " + r);
    }
    if (method == GradientMethod.GHOST && rule.formsPerExampleGradients()) {
      return Optional.of(
          site.name()
              + " forms per-example gradients, which ghost clipping does "
              + "not; use LAYERWISE");
    }
    return Optional.empty();
  }

  /**
   * The rule for the layer at {@code site}, which {@link #unsupportedReason} has accepted.
   *
   * @throws IllegalStateException when no rule handles it
   */
  static LayerRule ruleFor(LayerSite site) {
    return InputDropout.around(site, bareRuleFor(site));
  }

  /** The rule for the layer at {@code site} without its dropout (a frozen layer's inner layer). */
  static LayerRule bareRuleFor(LayerSite site) {
    return type(site)
        .orElseThrow(() -> new IllegalStateException(site.name() + " has no rule"))
        .create()
        .apply(site);
  }

  /**
   * Why the layer at {@code site} has no rule or its rule refuses it, without the layer's name and
   * without looking at its dropout (for the inner layer of a frozen one); empty when it has one.
   */
  static Optional<String> innerReason(LayerSite site) {
    Optional<LayerRule.Type> type = type(site);
    if (type.isEmpty()) {
      return Optional.of("is not " + descriptions());
    }
    return type.get().create().apply(site).unsupportedReason();
  }

  /** The rule of the layer at {@code site}, or empty when no rule handles its type. */
  static Optional<LayerRule> ruleIfAny(LayerSite site) {
    return type(site).map(t -> t.create().apply(site));
  }

  private static Optional<LayerRule.Type> type(LayerSite site) {
    return TYPES.stream().filter(t -> t.handles().test(site)).findFirst();
  }

  /** "a X, a Y or a Z". */
  private static String descriptions() {
    List<String> all = TYPES.stream().map(LayerRule.Type::description).toList();
    return all.subList(0, all.size() - 1).stream().collect(Collectors.joining(", "))
        + " or "
        + all.get(all.size() - 1);
  }
}

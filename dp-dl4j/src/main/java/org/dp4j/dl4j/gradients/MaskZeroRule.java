package org.dp4j.dl4j.gradients;

import java.lang.reflect.Field;
import java.util.Optional;
import org.deeplearning4j.nn.layers.recurrent.MaskZeroLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code MaskZeroLayer} around a recurrent layer with a rule: the wrapped layer runs with the mask
 * DL4J derives from the input, step {@code t} of example {@code i} present unless every feature
 * equals the masking value ({@code mask = (count_c [x_{i,c,t} == v]) != C}), whatever features mask
 * the network has; the output has no mask (DL4J's {@code feedForwardMaskArray} returns none).
 */
record MaskZeroRule(LayerSite innerSite, RecurrentRule inner, double maskingValue)
    implements RecurrentRule {

  static final Type TYPE =
      new Type(
          "a MaskZeroLayer around a recurrent layer",
          site -> site.layer() instanceof MaskZeroLayer,
          MaskZeroRule::of);

  private static LayerRule of(LayerSite site) {
    LayerSite innerSite = Wrapped.innerSite(site);
    return LayerRules.ruleIfAny(innerSite)
        .filter(r -> r instanceof RecurrentRule)
        .<LayerRule>map(
            r -> new MaskZeroRule(innerSite, (RecurrentRule) r, maskingValue(site.layer())))
        .orElseGet(() -> new Wrapped.Unsupported(innerSite, "a recurrent layer with a rule"));
  }

  /**
   * The masking value of a {@code MaskZeroLayer}, which keeps it in a private field (its {@code
   * conf()} is the wrapped layer's).
   */
  private static double maskingValue(org.deeplearning4j.nn.api.Layer layer) {
    try {
      Field field = MaskZeroLayer.class.getDeclaredField("maskingValue");
      field.setAccessible(true);
      return field.getDouble(layer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot read the masking value of a MaskZeroLayer", e);
    }
  }

  @Override
  public Optional<String> unsupportedReason() {
    return Wrapped.innerReason(innerSite, inner);
  }

  @Override
  public boolean hasParameters() {
    return inner.hasParameters();
  }

  @Override
  public Pass forward(INDArray input) {
    return forward(input, null);
  }

  @Override
  public Pass forward(INDArray input, INDArray mask) {
    return forwardWithLayerMask(input, mask);
  }

  /** The derived mask replaces any mask set on the wrapper, as in DL4J. */
  @Override
  public Pass forwardWithLayerMask(INDArray input, INDArray mask) {
    TimeSteps.checkInput(innerSite, input, input.size(1), null);
    INDArray derived =
        input
            .eq(maskingValue)
            .castTo(input.dataType())
            .sum(1)
            .neq(input.size(1))
            .castTo(DataType.FLOAT);
    return inner.forwardWithLayerMask(input, derived);
  }

  @Override
  public INDArray outputMask(INDArray inputMask) {
    return null;
  }
}

package org.dp4j.dl4j.gradients;

import java.lang.reflect.Field;
import java.util.Optional;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.layers.recurrent.TimeDistributedLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code TimeDistributed} around a {@link DenseLayer} (with or without bias, any activation, no
 * layer normalization): the dense map at every time step, {@code y_{i,t} = act(x_{i,t} W + b) *
 * m_{i,t}} (DL4J masks the wrapped layer's pre-activations, outputs and deltas with the features
 * mask, which passes on). Example {@code i}'s gradient is {@code W: sum_t x_{i,t}^T delta_{i,t}},
 * {@code b: sum_t delta_{i,t}}: {@link SequenceAffine} (ghost norms over time or layerwise).
 */
record TimeDistributedRule(LayerSite site, LayerSite innerSite) implements LayerRule {

  static final Type TYPE =
      new Type(
          "a TimeDistributed around a DenseLayer",
          site -> site.layer() instanceof TimeDistributedLayer,
          site -> new TimeDistributedRule(site, Wrapped.innerSite(site)));

  @Override
  public Optional<String> unsupportedReason() {
    if (innerSite.config().getClass() != DenseLayer.class) {
      return Optional.of(
          "wraps a "
              + innerSite.config().getClass().getSimpleName()
              + ", which is not a DenseLayer");
    }
    if (((DenseLayer) innerSite.config()).hasLayerNorm()) {
      return Optional.of("wraps a DenseLayer that uses layer normalization");
    }
    RNNFormat format = format((TimeDistributedLayer) site.layer());
    return format == RNNFormat.NCW
        ? Optional.empty()
        : Optional.of("uses the " + format + " data format; use NCW");
  }

  /** The data format, which DL4J 1.0.0-M2.1 keeps in a private field without a getter. */
  private static RNNFormat format(TimeDistributedLayer layer) {
    try {
      Field field = TimeDistributedLayer.class.getDeclaredField("rnnDataFormat");
      field.setAccessible(true);
      return (RNNFormat) field.get(layer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot read the data format of a TimeDistributed", e);
    }
  }

  @Override
  public boolean hasParameters() {
    return true;
  }

  @Override
  public Pass forward(INDArray input) {
    return forward(input, null);
  }

  /** The dense layer's pass at every time step ({@link TimeStepAffinePass}), masked per example. */
  @Override
  public Pass forward(INDArray input, INDArray mask) {
    TimeSteps.checkInput(site, input, innerSite.layer().getParam("W").size(0), mask);
    return TimeStepAffinePass.forward(
        innerSite, input, mask, ((DenseLayer) innerSite.config()).getActivationFn());
  }
}

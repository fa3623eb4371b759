package org.dp4j.dl4j.gradients;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.lang.reflect.Field;
import java.util.Optional;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional.Mode;
import org.deeplearning4j.nn.layers.recurrent.BidirectionalLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link Bidirectional} around a recurrent layer with a rule: the forward copy reads the sequence,
 * the backward copy the time-reversed sequence (and reversed mask, DL4J's {@code
 * TimeSeriesUtils.reverseTimeSeries}, which reverses the whole padded sequence), and the outputs
 * (the backward one reversed back) are combined by the mode: {@code CONCAT} along the features,
 * {@code ADD}, {@code MUL} or {@code AVERAGE}. Backward: the output gradient is split (CONCAT),
 * copied (ADD), halved (AVERAGE) or multiplied by the other copy's output (MUL); the input gradient
 * is the forward copy's plus the reversed backward copy's. The two copies have separate parameters,
 * so each example's squared norm is the sum of theirs.
 */
record BidirectionalRule(
    LayerSite site, Bidirectional config, RecurrentRule forwardRule, RecurrentRule backwardRule)
    implements RecurrentRule {

  static final Type TYPE =
      new Type(
          "a Bidirectional around a recurrent layer",
          site -> site.layer() instanceof BidirectionalLayer,
          BidirectionalRule::of);

  private static LayerRule of(LayerSite site) {
    BidirectionalLayer layer = (BidirectionalLayer) site.layer();
    LayerSite forwardSite = Wrapped.inner(site, copy(layer, "fwd"));
    LayerSite backwardSite = Wrapped.inner(site, copy(layer, "bwd"));
    Optional<LayerRule> forward = LayerRules.ruleIfAny(forwardSite);
    Optional<LayerRule> backward = LayerRules.ruleIfAny(backwardSite);
    if (forward.isPresent()
        && forward.get() instanceof RecurrentRule f
        && backward.isPresent()
        && backward.get() instanceof RecurrentRule b) {
      return new BidirectionalRule(site, (Bidirectional) site.config(), f, b);
    }
    return new Wrapped.Unsupported(forwardSite, "a recurrent layer with a rule");
  }

  /**
   * The forward ({@code "fwd"}) or backward ({@code "bwd"}) copy of a bidirectional layer, which
   * DL4J 1.0.0-M2.1 keeps in private fields without getters.
   */
  private static org.deeplearning4j.nn.api.Layer copy(BidirectionalLayer layer, String name) {
    try {
      Field field = BidirectionalLayer.class.getDeclaredField(name);
      field.setAccessible(true);
      return (org.deeplearning4j.nn.api.Layer) field.get(layer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("cannot read the " + name + " layer of a Bidirectional", e);
    }
  }

  @Override
  public Optional<String> unsupportedReason() {
    if (config.getRNNDataFormat() != RNNFormat.NCW) {
      return Optional.of("uses the " + config.getRNNDataFormat() + " data format; use NCW");
    }
    LayerSite inner = Wrapped.inner(site, copy((BidirectionalLayer) site.layer(), "fwd"));
    return Wrapped.innerReason(inner, forwardRule);
  }

  @Override
  public boolean hasParameters() {
    return true;
  }

  @Override
  public Pass forward(INDArray input) {
    return forward(input, null);
  }

  @Override
  public Pass forward(INDArray input, INDArray mask) {
    return combine(
        forwardRule.forward(input, mask),
        backwardRule.forward(TimeSteps.reverse(input), TimeSteps.reverseMask(mask)));
  }

  @Override
  public Pass forwardWithLayerMask(INDArray input, INDArray mask) {
    return combine(
        forwardRule.forwardWithLayerMask(input, mask),
        backwardRule.forwardWithLayerMask(TimeSteps.reverse(input), TimeSteps.reverseMask(mask)));
  }

  private Pass combine(Pass forward, Pass backward) {
    INDArray outForward = forward.output();
    INDArray outBackward = TimeSteps.reverse(backward.output());
    Mode mode = config.getMode();
    INDArray out =
        switch (mode) {
          case CONCAT -> org.nd4j.linalg.factory.Nd4j.concat(1, outForward, outBackward);
          case ADD -> outForward.add(outBackward);
          case MUL -> outForward.mul(outBackward);
          case AVERAGE -> outForward.add(outBackward).muli(0.5);
        };
    return new Pass() {
      @Override
      public INDArray output() {
        return out;
      }

      @Override
      public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
        long n = outForward.size(1);
        INDArray eForward;
        INDArray eBackward;
        switch (mode) {
          case CONCAT -> {
            eForward = outputGradient.get(all(), interval(0, n), all()).dup();
            eBackward = outputGradient.get(all(), interval(n, 2 * n), all()).dup();
          }
          case ADD -> {
            eForward = outputGradient.dup();
            eBackward = outputGradient.dup();
          }
          case MUL -> {
            eForward = outputGradient.mul(outBackward);
            eBackward = outputGradient.mul(outForward);
          }
          default -> { // AVERAGE
            eForward = outputGradient.mul(0.5);
            eBackward = eForward.dup();
          }
        }
        INDArray gForward = forward.backward(eForward, inputGradientNeeded);
        INDArray gBackward = backward.backward(TimeSteps.reverse(eBackward), inputGradientNeeded);
        return inputGradientNeeded ? gForward.add(TimeSteps.reverse(gBackward)) : null;
      }

      @Override
      public void addSquaredNorms(double[] squaredNorms) {
        forward.addSquaredNorms(squaredNorms);
        backward.addSquaredNorms(squaredNorms);
      }

      @Override
      public long addClippedSum(ClipFactors clip, INDArray sum) {
        return forward.addClippedSum(clip, sum) + backward.addClippedSum(clip, sum);
      }

      @Override
      public long addGradientSum(int batch, INDArray sum) {
        return forward.addGradientSum(batch, sum) + backward.addGradientSum(batch, sum);
      }
    };
  }
}

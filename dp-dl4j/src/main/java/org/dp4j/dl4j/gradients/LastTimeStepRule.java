package org.dp4j.dl4j.gradients;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.layers.recurrent.LastTimeStepLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link LastTimeStep} around a recurrent layer that has a rule ({@link RecurrentRule}): the
 * wrapped layer runs with the features mask set (as DL4J's {@code LastTimeStepLayer} sets it), and
 * the output is each example's last present step ({@code [B, H]}; the last step without a mask).
 * The output gradient goes back to that step only; the wrapped rule's norms and sums are the
 * layer's. The output has no mask.
 */
record LastTimeStepRule(LayerSite innerSite, RecurrentRule inner) implements LayerRule {

  static final Type TYPE =
      new Type(
          "a LastTimeStep around a recurrent layer",
          site -> site.layer() instanceof LastTimeStepLayer,
          LastTimeStepRule::of);

  private static LayerRule of(LayerSite site) {
    LayerSite innerSite = Wrapped.innerSite(site);
    return LayerRules.ruleIfAny(innerSite)
        .filter(r -> r instanceof RecurrentRule)
        .<LayerRule>map(r -> new LastTimeStepRule(innerSite, (RecurrentRule) r))
        .orElseGet(() -> new Wrapped.Unsupported(innerSite, "a recurrent layer with a rule"));
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
    Pass pass = inner.forwardWithLayerMask(input, mask);
    INDArray sequence = pass.output(); // [B, H, T]
    int batch = (int) sequence.size(0);
    int time = (int) sequence.size(2);
    int[] last = TimeSteps.lastPresentSteps(mask, batch, time);
    INDArray out = Nd4j.create(sequence.dataType(), batch, sequence.size(1));
    for (int i = 0; i < batch; i++) {
      out.getRow(i).assign(sequence.get(point(i), all(), point(last[i])));
    }
    return new DelegatingPass(pass, out) {
      @Override
      public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
        INDArray full = Nd4j.zeros(sequence.dataType(), sequence.shape());
        for (int i = 0; i < batch; i++) {
          full.get(point(i), all(), point(last[i])).assign(outputGradient.getRow(i));
        }
        return pass.backward(full, inputGradientNeeded);
      }
    };
  }

  /** The time axis is gone: the output has no mask. */
  @Override
  public INDArray outputMask(INDArray inputMask) {
    return null;
  }
}

package org.dp4j.dl4j.gradients;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.conf.dropout.AlphaDropout;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.GaussianDropout;
import org.deeplearning4j.nn.conf.dropout.GaussianNoise;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.dropout.SpatialDropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Dropout configured on a layer ({@code .dropOut(p)}, or a {@link DropoutLayer}), applied as DL4J
 * applies it in training ({@code AbstractLayer.applyDropOutIfNecessary} and {@code
 * backpropDropOutIfPresent}): to the layer's input in the forward pass, and the same mask to the
 * input gradient in the backward pass. DL4J's {@code Dropout(p)} keeps each activation with the
 * retain probability {@code p} and scales it by {@code 1/p} (inverted dropout; Srivastava et al.
 * 2014, "Dropout").
 *
 * <p><b>In a private step.</b> The mask is drawn once per step and layer by the layer's own DL4J
 * dropout (a fresh copy per step, so that the configuration is not changed), from ND4J's random
 * generator as in DL4J's own training; every example gets its own mask, and the forward and
 * backward pass of the step use the same one. Each example's gradient is computed through its own
 * mask and then clipped, so the clip norm still bounds every example's contribution, whatever the
 * masks: dropout changes the gradients, not the sensitivity, and it is not part of the privacy
 * noise (the guarantee rests on the clipping, the Gaussian noise and the batch sampling only).
 *
 * <p>Accepted dropouts: DL4J's {@link Dropout}, {@link AlphaDropout}, {@link GaussianDropout},
 * {@link GaussianNoise} and {@link SpatialDropout} (each acts on every example alone); a dropout of
 * another class could mix examples and is refused. Layers: DL4J applies dropout to the input of a
 * {@link DenseLayer}, {@link OutputLayer}, {@link ConvolutionLayer}, {@link PReLULayer} and {@link
 * DropoutLayer}, and ignores it on an {@link ActivationLayer}, {@link SubsamplingLayer} and {@link
 * LossLayer}; so do these rules. Dropout on other layers is refused (the batch-of-one loop applies
 * it as DL4J does).
 */
final class InputDropout {

  /** Per layer class: whether DL4J applies dropout configured on it (else it ignores it). */
  private static final Map<Class<? extends Layer>, Boolean> APPLIED =
      Map.of(
          DenseLayer.class, true,
          OutputLayer.class, true,
          ConvolutionLayer.class, true,
          PReLULayer.class, true,
          DropoutLayer.class, true,
          ActivationLayer.class, false,
          SubsamplingLayer.class, false,
          LossLayer.class, false);

  private static final Set<Class<? extends IDropout>> PER_EXAMPLE =
      Set.of(
          Dropout.class,
          AlphaDropout.class,
          GaussianDropout.class,
          GaussianNoise.class,
          SpatialDropout.class);

  private InputDropout() {}

  /**
   * Why the dropout of the layer at {@code site} cannot be applied, or empty when it can (or the
   * layer has none, or is frozen: {@link FrozenRule} decides for frozen layers).
   */
  static Optional<String> unsupportedReason(LayerSite site) {
    IDropout dropout = site.config().getIDropout();
    if (dropout == null || FrozenRule.wraps(site)) {
      return Optional.empty();
    }
    if (!PER_EXAMPLE.contains(dropout.getClass()) && !(dropout instanceof PerExampleDropout)) {
      return Optional.of(
          "uses dropout "
              + dropout.getClass().getSimpleName()
              + ", which is not one of DL4J's per-example dropouts (Dropout, AlphaDropout, "
              + "GaussianDropout, GaussianNoise, SpatialDropout)");
    }
    Class<? extends Layer> layer = site.config().getClass();
    if (dropout instanceof SpatialDropout
        && (layer == DenseLayer.class || layer == OutputLayer.class)) {
      return Optional.of(
          "uses SpatialDropout, which needs [B, C, ...] inputs (DL4J applies it to the rows of a "
              + "dense layer's input, where it fails); use Dropout");
    }
    if (!APPLIED.containsKey(layer)) {
      return Optional.of(
          "uses dropout, which its rule does not apply; remove it, or put a DropoutLayer "
              + "before the layer");
    }
    return Optional.empty();
  }

  /**
   * {@code rule} with the dropout of {@code site} applied to its input, or {@code rule} itself when
   * the layer has no dropout, DL4J ignores it there, or the layer is frozen.
   */
  static LayerRule around(LayerSite site, LayerRule rule) {
    IDropout dropout = site.config().getIDropout();
    if (dropout == null
        || FrozenRule.wraps(site)
        || !APPLIED.getOrDefault(site.config().getClass(), false)) {
      return rule;
    }
    return new Applied(site, dropout, rule);
  }

  /** A rule whose input goes through dropout first. */
  private record Applied(LayerSite site, IDropout dropout, LayerRule inner) implements LayerRule {

    @Override
    public Optional<String> unsupportedReason() {
      return inner.unsupportedReason();
    }

    @Override
    public boolean formsPerExampleGradients() {
      return inner.formsPerExampleGradients();
    }

    @Override
    public boolean hasParameters() {
      return inner.hasParameters();
    }

    @Override
    public Optional<Loss> loss() {
      return inner.loss();
    }

    @Override
    public INDArray outputMask(INDArray inputMask) {
      return inner.outputMask(inputMask);
    }

    @Override
    public Pass forward(INDArray input) {
      return forward(input, null);
    }

    @Override
    public Pass forward(INDArray input, INDArray mask) {
      IDropout step = dropout.clone(); // its own mask; the configuration's copy is not touched
      int iteration = site.layer().getIterationCount();
      int epoch = site.layer().getEpochCount();
      INDArray in = input.castTo(site.dataType());
      INDArray dropped =
          step.applyDropout(
              in,
              Nd4j.createUninitialized(in.dataType(), in.shape(), in.ordering()),
              iteration,
              epoch,
              LayerWorkspaceMgr.noWorkspaces());
      Pass pass = inner.forward(dropped, mask);
      return new Pass() {
        @Override
        public INDArray output() {
          return pass.output();
        }

        @Override
        public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
          INDArray gradient = pass.backward(outputGradient, inputGradientNeeded);
          return gradient == null ? null : step.backprop(gradient, gradient, iteration, epoch);
        }

        @Override
        public void addSquaredNorms(double[] squaredNorms) {
          pass.addSquaredNorms(squaredNorms);
        }

        @Override
        public long addClippedSum(ClipFactors clip, INDArray sum) {
          return pass.addClippedSum(clip, sum);
        }

        @Override
        public long addGradientSum(int batch, INDArray sum) {
          return pass.addGradientSum(batch, sum);
        }
      };
    }
  }
}

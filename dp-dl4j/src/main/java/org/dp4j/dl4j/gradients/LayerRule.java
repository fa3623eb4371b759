package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * How one layer type takes part in per-example clipping: whether it can, its forward and backward
 * pass on a batch, its share of each example's squared gradient norm, and its block of the clipped
 * sum. A rule sees only its layer's input activations, output gradients and parameters (never a
 * network index or another layer): {@link MultiLayerClipping} drives the rules of a {@code
 * MultiLayerNetwork}, and an engine over the vertices of a graph that do not mix examples could
 * drive the same rules.
 *
 * <p>The engine runs {@link #forward} layer by layer, applies the final rule's {@link #loss}, runs
 * {@link Pass#backward} in reverse, sums every pass's {@link Pass#addSquaredNorms}, computes one
 * clip factor per example ({@link ClipFactors}) and lets every pass add its {@link
 * Pass#addClippedSum}. A rule must not mix the examples of a batch: row {@code i} of every array it
 * sees and returns belongs to example {@code i}.
 *
 * <p>Rules are built per call from a {@link LayerSite}; they read the layer's current parameters
 * and never change them. Not thread-safe.
 */
interface LayerRule {

  /**
   * Why this rule cannot compute this layer's per-example gradients (for example a setting it does
   * not implement), or empty when it can (the default). The engine puts the layer's name in front.
   */
  default Optional<String> unsupportedReason() {
    return Optional.empty();
  }

  /**
   * Whether the layer's per-example gradients are formed in memory (im2col for convolutions) rather
   * than reduced to ghost norms; {@link GradientMethod#GHOST} refuses such layers.
   */
  default boolean formsPerExampleGradients() {
    return false;
  }

  /** Whether the layer has parameters (so the layers below it need an input gradient). */
  default boolean hasParameters() {
    return false;
  }

  /**
   * The loss a final layer applies to its output, empty for the others. Its output ({@link
   * Pass#output()}) is then the loss function's pre-activation input, owned by the pass: the loss
   * gradient may overwrite it.
   */
  default Optional<Loss> loss() {
    return Optional.empty();
  }

  /**
   * The layer's forward pass on a batch.
   *
   * @param input the layer's input, leading dimension {@code B > 0}; not modified
   * @return the pass, which keeps what the backward pass needs
   */
  Pass forward(INDArray input);

  /**
   * The layer's forward pass on a batch whose input may be a masked sequence. The default takes no
   * mask: it refuses a non-null one and runs {@link #forward(INDArray)}. Sequence rules override it
   * and define {@link #forward(INDArray)} as this with a null mask.
   *
   * @param input the layer's input, leading dimension {@code B > 0}; not modified
   * @param mask the input's per-time-step mask {@code [B, T]} (1 for a present step, 0 for padding,
   *     as DL4J's feature masks), or null when every step is present
   * @return the pass
   * @throws MaskNotTaken when the rule takes no mask and {@code mask} is not null (the engine names
   *     the layer)
   */
  default Pass forward(INDArray input, INDArray mask) {
    if (mask != null) {
      throw new MaskNotTaken(mask);
    }
    return forward(input);
  }

  /** A sequence mask reached a rule that reads no sequences. */
  final class MaskNotTaken extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    MaskNotTaken(INDArray mask) {
      super(
          "takes no sequence mask (it does not read sequences), got a mask of shape "
              + Arrays.toString(mask.shape()));
    }
  }

  /**
   * The mask of the layer's output given its input's, as DL4J's {@code feedForwardMaskArray}
   * propagates it: the default passes it on; layers that remove the time axis return null.
   *
   * @param inputMask the input's mask {@code [B, T]}, or null
   * @return the output's mask, or null
   */
  default INDArray outputMask(INDArray inputMask) {
    return inputMask;
  }

  /** One batch's pass through the layer. */
  interface Pass {

    /** The layer's output; the next layer's input. Not modified by anyone but its loss. */
    INDArray output();

    /**
     * The backward pass: from the loss gradient with respect to {@link #output()} to the one with
     * respect to the layer's input, each row one example's (DL4J's sum over the batch, not a mean).
     *
     * @param outputGradient {@code dL_i/d(output_i)} per row; the pass owns it afterwards and may
     *     overwrite it
     * @param inputGradientNeeded false when no layer below has parameters
     * @return a fresh {@code dL_i/d(input_i)} that the pass does not keep, or null when not needed
     */
    INDArray backward(INDArray outputGradient, boolean inputGradientNeeded);

    /**
     * Adds each example's squared L2 norm of this layer's parameter gradient, in double, to {@code
     * squaredNorms[i]} (NaN or infinite when the example's gradient is not finite). Called after
     * {@link #backward}.
     */
    default void addSquaredNorms(double[] squaredNorms) {}

    /**
     * Adds {@code sum_i c_i g_i} over this layer's parameters into {@code sum} at the offsets its
     * parameters have in the network's flat parameter vector. Examples with factor 0 that {@code
     * clip} counts as non-finite contribute exactly zero. May overwrite the pass's arrays.
     *
     * @param clip the clip factors {@code c_i}
     * @param sum the {@code FLOAT} {@code [1, P]} clipped sum of the whole network
     * @return the number of parameters written
     */
    default long addClippedSum(ClipFactors clip, INDArray sum) {
      return 0;
    }

    /**
     * Adds the plain (unclipped) gradient sum {@code sum_i g_i} over this layer's parameters into
     * {@code sum}, as {@link #addClippedSum} lays it out: the non-private gradient of the same
     * forward and backward pass, for comparisons. Called after {@link #backward}, instead of {@link
     * #addSquaredNorms} and {@link #addClippedSum}. The default is the clipped sum with every
     * factor 1.
     *
     * @param batch the number of examples
     * @param sum the {@code FLOAT} {@code [1, P]} gradient sum of the whole network
     * @return the number of parameters written
     */
    default long addGradientSum(int batch, INDArray sum) {
      return addClippedSum(ClipFactors.unclipped(batch), sum);
    }
  }

  /**
   * The pass of a layer without parameters: its output, and the map from an output gradient to the
   * input gradient (only called when needed).
   *
   * @param output the layer's output
   * @param inputGradient {@code dL/d(output) -> dL/d(input)}, per example
   */
  record ParameterFreePass(INDArray output, UnaryOperator<INDArray> inputGradient) implements Pass {

    @Override
    public INDArray backward(INDArray outputGradient, boolean inputGradientNeeded) {
      return inputGradientNeeded ? inputGradient.apply(outputGradient) : null;
    }
  }

  /**
   * The loss of a final layer, per example: the engine sums {@link #exampleLosses} for the batch's
   * mean loss and starts the backward pass from {@link #gradient}.
   */
  interface Loss {

    /**
     * Each example's loss: {@code L_i}, summed over its (unmasked) time steps when the output is a
     * sequence, so that DL4J's score is their sum divided by {@code B}.
     *
     * @param labels the labels, cast to the network's type, leading dimension {@code B}
     * @param output the final rule's output (not modified)
     * @param labelsMask the labels mask, or null
     * @return {@code B} losses, NaN where an example's loss is not defined
     */
    double[] exampleLosses(INDArray labels, INDArray output, INDArray labelsMask);

    /**
     * {@code dL_i/d(output_i)} for every example, of the output's shape.
     *
     * @param output the final rule's output; the loss may overwrite it (its last use)
     */
    INDArray gradient(INDArray labels, INDArray output, INDArray labelsMask);
  }

  /**
   * The loss of a final layer whose output is one row per example: DL4J's loss function with the
   * activation it applies first ({@code ILossFunction.computeScoreArray} and {@code
   * computeGradient}).
   *
   * @param function the loss function
   * @param activation the activation applied to the pre-activation input of the loss
   */
  record RowLoss(ILossFunction function, IActivation activation) implements Loss {

    @Override
    public double[] exampleLosses(INDArray labels, INDArray output, INDArray labelsMask) {
      return function
          .computeScoreArray(labels, output.dup(), activation, labelsMask)
          .castTo(DataType.DOUBLE)
          .reshape(output.size(0))
          .toDoubleVector();
    }

    @Override
    public INDArray gradient(INDArray labels, INDArray output, INDArray labelsMask) {
      return function.computeGradient(labels, output, activation, labelsMask);
    }
  }

  /**
   * A layer type and its rule.
   *
   * @param description how the unsupported-layer message lists it, e.g. {@code "a DenseLayer"}
   * @param handles whether a site holds this type (class and position)
   * @param create the rule for a site it handles
   */
  record Type(
      String description, Predicate<LayerSite> handles, Function<LayerSite, LayerRule> create) {

    /**
     * The type of the layers whose configuration is exactly of class {@code layer} (not a subclass:
     * a subclass computes something else) at a position {@code place} accepts, and that are not
     * inside a DL4J wrapper layer, frozen layers included (whose {@code conf()} is the wrapped
     * layer's; the wrapper rules and {@link FrozenRule} handle them).
     */
    static <L extends Layer> Type of(
        String description,
        Class<L> layer,
        Predicate<LayerSite> place,
        BiFunction<LayerSite, L, LayerRule> create) {
      return new Type(
          description,
          site ->
              site.config().getClass() == layer
                  && !(site.layer() instanceof BaseWrapperLayer)
                  && place.test(site),
          site -> create.apply(site, layer.cast(site.config())));
    }
  }
}

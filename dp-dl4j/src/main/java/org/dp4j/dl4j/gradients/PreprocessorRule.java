package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import java.util.Optional;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * The input preprocessors that DL4J inserts for {@code InputType.convolutionalFlat(...)}: {@link
 * FeedForwardToCnnPreProcessor} and {@link CnnToFeedForwardPreProcessor} ({@code NCHW}); and for
 * {@code InputType.recurrent(...)} around a DenseLayer: {@link RnnToFeedForwardPreProcessor} and
 * {@link FeedForwardToRnnPreProcessor} ({@code NCW}). They reshape each example on its own and have
 * no parameters.
 *
 * <p>DL4J's recurrent pair reshapes {@code [B, C, T]} into step rows {@code [B * T, C]} and back,
 * which would put one example's steps in many rows; here both pass a sequence on unchanged (row
 * {@code i} stays example {@code i}), with its per-step mask, and the DenseRule applies its map at
 * every time step.
 */
record PreprocessorRule(InputPreProcessor preprocessor) implements LayerRule {

  @Override
  public Optional<String> unsupportedReason() {
    Class<?> type = preprocessor.getClass();
    if (type != FeedForwardToCnnPreProcessor.class
        && type != CnnToFeedForwardPreProcessor.class
        && type != RnnToFeedForwardPreProcessor.class
        && type != FeedForwardToRnnPreProcessor.class) {
      return Optional.of(
          "has an unsupported input preprocessor "
              + type.getSimpleName()
              + " (only FeedForwardToCnnPreProcessor, CnnToFeedForwardPreProcessor, "
              + "RnnToFeedForwardPreProcessor and FeedForwardToRnnPreProcessor)");
    }
    RNNFormat format =
        preprocessor instanceof RnnToFeedForwardPreProcessor toRows
            ? toRows.getRnnDataFormat()
            : preprocessor instanceof FeedForwardToRnnPreProcessor toSequence
                ? toSequence.getRnnDataFormat()
                : RNNFormat.NCW;
    if (format != null && format != RNNFormat.NCW) {
      return Optional.of(
          "has a " + type.getSimpleName() + " in format " + format + "; only NCW is supported");
    }
    if (preprocessor instanceof CnnToFeedForwardPreProcessor flatten
        && flatten.getFormat() != CNN2DFormat.NCHW) {
      return Optional.of(
          "has a CnnToFeedForwardPreProcessor in format "
              + flatten.getFormat()
              + "; only NCHW is supported");
    }
    return Optional.empty();
  }

  /**
   * The reshape DL4J's {@code preProcess} and {@code backprop} compute, done here so that a
   * channels-last input from the convolution rules is copied once into the engine's memory (DL4J's
   * own would copy it outside any workspace): {@code FeedForwardToCnn} reshapes {@code [B, C * H *
   * W]} rows to {@code [B, C, H, W]} ({@code 'c'} order), {@code CnnToFeedForward} the reverse; an
   * input that already has the output's rank passes through, as in DL4J.
   */
  @Override
  public Pass forward(INDArray input, INDArray mask) {
    if (preprocessor instanceof RnnToFeedForwardPreProcessor
        && input.rank() == 2
        && mask == null) { // rows already (after a global pooling): DL4J passes them on
      return new ParameterFreePass(input, gradient -> gradient);
    }
    if (preprocessor instanceof RnnToFeedForwardPreProcessor
        || preprocessor instanceof FeedForwardToRnnPreProcessor) {
      String name = preprocessor.getClass().getSimpleName();
      TimeSteps.checkSequence(input, name);
      TimeSteps.checkMask(mask, input, name);
      return new ParameterFreePass(input, gradient -> gradient);
    }
    if (mask != null) {
      throw new MaskNotTaken(mask);
    }
    return forward(input);
  }

  @Override
  public Pass forward(INDArray input) {
    if (preprocessor instanceof RnnToFeedForwardPreProcessor
        || preprocessor instanceof FeedForwardToRnnPreProcessor) {
      return forward(input, null);
    }
    int batch = Math.toIntExact(input.size(0));
    if (preprocessor instanceof FeedForwardToCnnPreProcessor toCnn) {
      if (input.rank() == 4) {
        return new ParameterFreePass(input, gradient -> gradient);
      }
      long[] shape = {batch, toCnn.getNumChannels(), toCnn.getInputHeight(), toCnn.getInputWidth()};
      Checks.require(
          input.rank() == 2 && input.size(1) == shape[1] * shape[2] * shape[3],
          "features.shape()",
          "[B, "
              + shape[1] * shape[2] * shape[3]
              + "] (channels "
              + shape[1]
              + " x height "
              + shape[2]
              + " x width "
              + shape[3]
              + ")",
          Arrays.toString(input.shape()));
      return new ParameterFreePass(
          cOrder(input).reshape('c', shape),
          gradient -> cOrder(gradient).reshape('c', batch, shape[1] * shape[2] * shape[3]));
    }
    CnnToFeedForwardPreProcessor flatten = (CnnToFeedForwardPreProcessor) preprocessor;
    if (input.rank() == 2) {
      return new ParameterFreePass(input, gradient -> gradient);
    }
    long[] shape = input.shape();
    Checks.require(
        flatten.getNumChannels() == 0
            || (shape[1] == flatten.getNumChannels()
                && shape[2] == flatten.getInputHeight()
                && shape[3] == flatten.getInputWidth()),
        "the input of the CnnToFeedForwardPreProcessor",
        "[B, "
            + flatten.getNumChannels()
            + ", "
            + flatten.getInputHeight()
            + ", "
            + flatten.getInputWidth()
            + "]",
        Arrays.toString(shape));
    INDArray channelsFirst =
        HostFloats.onHost() && input.dataType() == DataType.FLOAT
            ? HostFloats.channelsFirst(input)
            : cOrder(input);
    return new ParameterFreePass(
        channelsFirst.reshape('c', batch, shape[1] * shape[2] * shape[3]),
        gradient -> cOrder(gradient).reshape('c', shape));
  }

  /** {@code a} when it is in {@code 'c'} order with default strides, else a copy that is. */
  private static INDArray cOrder(INDArray a) {
    return a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
  }
}

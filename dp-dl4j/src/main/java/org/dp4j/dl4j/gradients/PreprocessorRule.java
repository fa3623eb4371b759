package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The input preprocessors that DL4J inserts for {@code InputType.convolutionalFlat(...)}: {@link
 * FeedForwardToCnnPreProcessor} and {@link CnnToFeedForwardPreProcessor} ({@code NCHW}). They
 * reshape each example on its own and have no parameters; DL4J's own {@code preProcess} and {@code
 * backprop} run them.
 */
record PreprocessorRule(InputPreProcessor preprocessor) implements LayerRule {

  @Override
  public Optional<String> unsupportedReason() {
    if (preprocessor.getClass() != FeedForwardToCnnPreProcessor.class
        && preprocessor.getClass() != CnnToFeedForwardPreProcessor.class) {
      return Optional.of(
          "has an unsupported input preprocessor "
              + preprocessor.getClass().getSimpleName()
              + " (only FeedForwardToCnnPreProcessor and "
              + "CnnToFeedForwardPreProcessor)");
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

  @Override
  public Pass forward(INDArray input) {
    LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
    int batch = Math.toIntExact(input.size(0));
    INDArray output = preprocessor.preProcess(input, batch, noWorkspaces);
    return new ParameterFreePass(
        output, gradient -> preprocessor.backprop(gradient, batch, noWorkspaces));
  }
}

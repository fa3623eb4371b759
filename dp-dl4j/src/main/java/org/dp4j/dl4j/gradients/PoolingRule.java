package org.dp4j.dl4j.gradients;

import java.util.Optional;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link SubsamplingLayer} with MAX or AVG pooling in {@code NCHW}: no parameters; DL4J's own
 * forward and backward pass (max pooling routes each example's gradient to its own arg-max). Sets
 * the layer's input field, as DL4J's forward pass does.
 */
record PoolingRule(LayerSite site, SubsamplingLayer config) implements LayerRule {

  static final Type TYPE =
      Type.of("a SubsamplingLayer", SubsamplingLayer.class, site -> true, PoolingRule::new);

  @Override
  public Optional<String> unsupportedReason() {
    PoolingType type = config.getPoolingType();
    if (type != PoolingType.MAX && type != PoolingType.AVG) {
      return Optional.of("must use MAX or AVG pooling, got " + type);
    }
    if (config.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
      return Optional.of("must use the NCHW data format, got " + config.getCnn2dDataFormat());
    }
    return Optional.empty();
  }

  @Override
  public Pass forward(INDArray input) {
    LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
    INDArray output = site.layer().activate(input.castTo(site.dataType()), true, noWorkspaces);
    return new ParameterFreePass(
        output, gradient -> site.layer().backpropGradient(gradient, noWorkspaces).getSecond());
  }
}

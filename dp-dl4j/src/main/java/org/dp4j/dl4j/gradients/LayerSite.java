package org.dp4j.dl4j.gradients;

import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer as its {@link LayerRule} sees it.
 *
 * @param label how messages name the layer, e.g. {@code "layer 2"}
 * @param layer the initialised layer; its parameters are views into {@code parameters}
 * @param parameters the network's flat parameter vector, whose layout the clipped sum follows
 * @param first whether the layer reads the network's features (through its preprocessor, if any)
 * @param last whether the layer's output is the network's output
 */
record LayerSite(
    String label,
    org.deeplearning4j.nn.api.Layer layer,
    INDArray parameters,
    boolean first,
    boolean last) {

  /** The layer's configuration. */
  Layer config() {
    return layer.conf().getLayer();
  }

  /** The label and the configuration's type, e.g. {@code "layer 2 (DenseLayer)"}. */
  String name() {
    return label + " (" + config().getClass().getSimpleName() + ")";
  }

  /** The type the network computes in. */
  DataType dataType() {
    return parameters.dataType();
  }
}

package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A first {@link EmbeddingLayer} ({@code [B, 1]} integer indices), with or without bias, any
 * activation: the lookup {@code W[idx_i] + b} is the dense layer {@code onehot(idx_i) W + b}, so
 * the ghost norms of {@link AffinePass} apply unchanged (per-example weight-gradient norm {@code
 * ||delta_i||}), at the cost of {@code B x vocabulary} one-hot memory. It must read the features:
 * indices have no input gradient.
 */
record EmbeddingRule(LayerSite site, EmbeddingLayer config) implements LayerRule {

  static final Type TYPE =
      Type.of(
          "a first EmbeddingLayer",
          EmbeddingLayer.class,
          site -> site.first() && !site.last(),
          EmbeddingRule::new);

  @Override
  public boolean hasParameters() {
    return true;
  }

  @Override
  public Pass forward(INDArray input) {
    // First in the network, so no layer below needs the (meaningless) one-hot input gradient.
    return AffinePass.forward(
        site, oneHot(input, config.getNIn(), site.dataType()), config.getActivationFn());
  }

  /** The one-hot rows of a {@code [B, 1]} index input. */
  private static INDArray oneHot(INDArray indices, long vocabulary, DataType type) {
    Checks.require(
        indices.size(1) == 1 && indices.rank() == 2,
        "features.shape()",
        "[B, 1] (one index per example) for an EmbeddingLayer",
        Arrays.toString(indices.shape()));
    double[] ids = indices.castTo(DataType.DOUBLE).reshape(indices.size(0)).toDoubleVector();
    INDArray out = Nd4j.zeros(type, ids.length, vocabulary);
    for (int i = 0; i < ids.length; i++) {
      double id = ids[i];
      Checks.require(
          id >= 0 && id < vocabulary && id == Math.rint(id),
          "features[" + i + "]",
          "an integer index in [0, " + vocabulary + ")",
          id);
      out.putScalar(i, (long) id, 1.0);
    }
    return out;
  }
}

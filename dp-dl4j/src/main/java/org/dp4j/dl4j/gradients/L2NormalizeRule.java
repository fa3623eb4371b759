package org.dp4j.dl4j.gradients;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.graph.L2NormalizeVertex;
import org.dp4j.core.internal.Checks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An {@link L2NormalizeVertex} over each example's entries (all axes but the batch axis, DL4J's
 * default): {@code y_i = x_i / max(||x_i||, eps)}, with DL4J's backward pass {@code dL/dx_i = g_i /
 * n_i - x_i <g_i, x_i> / m_i}, {@code n_i = max(||x_i||, eps)}, {@code m_i = max(||x_i||^3, eps)}.
 * Other axis settings are refused (an axis list with the batch axis would mix examples).
 *
 * @param label how messages name the vertex
 * @param dimension the configured axes, null or empty for all but the batch axis
 * @param eps the lower bound on the norm
 */
record L2NormalizeRule(String label, int[] dimension, double eps) implements VertexRule {

  /** The rule of {@code vertex}. */
  static L2NormalizeRule of(String label, L2NormalizeVertex vertex) {
    return new L2NormalizeRule(label, vertex.getDimension(), vertex.getEps());
  }

  @Override
  public Optional<String> unsupportedReason() {
    if (dimension != null && Arrays.stream(dimension).anyMatch(d -> d < 1)) {
      return Optional.of(
          "normalizes along axes "
              + Arrays.toString(dimension)
              + ", which include the batch axis; only the default (all other axes) is supported");
    }
    return Optional.empty();
  }

  @Override
  public Pass forward(INDArray[] inputs, INDArray mask) {
    INDArray input = inputs[0];
    int[] all = IntStream.range(1, input.rank()).toArray();
    Checks.require(
        dimension == null || dimension.length == 0 || Arrays.equals(dimension, all),
        "the normalized axes of " + label,
        "all axes but the batch axis " + Arrays.toString(all),
        Arrays.toString(dimension));
    long batch = input.size(0);
    INDArray rows = input.dup('c').reshape('c', batch, input.length() / batch);
    INDArray norm = rows.norm2(1).reshape(batch, 1);
    INDArray cubed = Transforms.pow(norm, 3.0, true);
    Transforms.max(norm, eps, false);
    Transforms.max(cubed, eps, false);
    INDArray output = rows.divColumnVector(norm).reshape('c', input.shape());
    return new L2NormalizePass(output, rows, norm, cubed);
  }

  private record L2NormalizePass(INDArray output, INDArray rows, INDArray norm, INDArray cubed)
      implements Pass {

    @Override
    public INDArray[] backward(INDArray outputGradient, boolean[] inputGradientsNeeded) {
      if (!inputGradientsNeeded[0]) {
        return new INDArray[1];
      }
      INDArray g = outputGradient.dup('c').reshape('c', rows.shape());
      INDArray dot = g.mul(rows).sum(1).reshape(rows.size(0), 1);
      INDArray gradient =
          g.divColumnVector(norm).subi(rows.divColumnVector(cubed).muliColumnVector(dot));
      return new INDArray[] {gradient.reshape('c', outputGradient.shape())};
    }
  }
}

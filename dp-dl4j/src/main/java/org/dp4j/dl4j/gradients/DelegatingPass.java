package org.dp4j.dl4j.gradients;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A wrapper's pass: its own output and backward map, and the wrapped layer's norms and sums (the
 * wrapper adds no parameters).
 */
abstract class DelegatingPass implements LayerRule.Pass {
  private final LayerRule.Pass inner;
  private final INDArray output;

  /**
   * @param inner the wrapped layer's pass
   * @param output the wrapper's output
   */
  DelegatingPass(LayerRule.Pass inner, INDArray output) {
    this.inner = inner;
    this.output = output;
  }

  @Override
  public INDArray output() {
    return output;
  }

  @Override
  public void addSquaredNorms(double[] squaredNorms) {
    inner.addSquaredNorms(squaredNorms);
  }

  @Override
  public long addClippedSum(ClipFactors clip, INDArray sum) {
    return inner.addClippedSum(clip, sum);
  }

  @Override
  public long addGradientSum(int batch, INDArray sum) {
    return inner.addGradientSum(batch, sum);
  }
}

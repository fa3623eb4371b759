package org.dp4j.dl4j.gradients;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The rule of a recurrent layer, which computes differently depending on whether DL4J has set its
 * mask array. A {@code MultiLayerNetwork} hands the features mask to a bare {@code LSTM} or {@code
 * GravesLSTM} only as a pass-through (their forward pass does not mask), while {@code
 * LastTimeStep}, {@code MaskZeroLayer} and a masked {@code Bidirectional} set the mask on the layer
 * they wrap ({@code setMaskArray}), which then zeroes its output (and cell state) at masked steps.
 */
interface RecurrentRule extends LayerRule {

  /**
   * The forward pass of the layer with {@code mask} set as its mask array.
   *
   * @param input {@code [B, nIn, T]}; not modified
   * @param mask {@code [B, T]}, 1 for a present step and 0 for padding, or null
   */
  Pass forwardWithLayerMask(INDArray input, INDArray mask);
}

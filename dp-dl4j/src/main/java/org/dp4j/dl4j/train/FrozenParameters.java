package org.dp4j.dl4j.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The parameters of a network's frozen layers ({@code FrozenLayer}, {@code
 * FrozenLayerWithBackprop}), kept exactly unchanged through private steps: private fine-tuning of a
 * pretrained network.
 *
 * <p>DP-SGD adds Gaussian noise to every coordinate of the clipped sum and the updater moves every
 * coordinate of {@code params()}; the frozen layers' block of the clipped sum is zero, so their
 * update would be noise (and updater state) only. {@link #keep} writes their values from before the
 * step back after it. Discarding part of a released noisy gradient is post-processing, so the
 * step's privacy guarantee is unchanged (Dwork and Roth 2014, Proposition 2.1).
 *
 * <p>Holds the blocks' offsets, not the network. Not thread-safe.
 */
final class FrozenParameters {

  private final List<long[]> blocks; // {offset in params(), length}

  private FrozenParameters(List<long[]> blocks) {
    this.blocks = blocks;
  }

  /**
   * The frozen blocks of the layers {@code layers}, whose parameters are views into {@code params}.
   *
   * @param layers the network's layers ({@code getLayers()})
   * @param params the network's flat parameter vector ({@code params()})
   */
  static FrozenParameters of(Layer[] layers, INDArray params) {
    List<long[]> blocks = new ArrayList<>();
    for (Layer layer : layers) {
      long length = layer.numParams();
      if (length > 0
          && (layer instanceof FrozenLayer || layer instanceof FrozenLayerWithBackprop)) {
        blocks.add(new long[] {layer.params().offset() - params.offset(), length});
      }
    }
    return new FrozenParameters(List.copyOf(blocks));
  }

  /** {@return the number of frozen parameters} */
  long count() {
    return blocks.stream().mapToLong(b -> b[1]).sum();
  }

  /**
   * Runs {@code step}, which updates {@code params} in place, and then (also when it throws) writes
   * every frozen coordinate of {@code params} back as it was before.
   *
   * @return what {@code step} returned
   */
  <T> T keep(INDArray params, Supplier<T> step) {
    if (blocks.isEmpty()) {
      return step.get();
    }
    List<INDArray> before = new ArrayList<>(blocks.size());
    for (long[] block : blocks) {
      before.add(view(params, block).dup());
    }
    try {
      return step.get();
    } finally {
      for (int k = 0; k < blocks.size(); k++) {
        view(params, blocks.get(k)).assign(before.get(k));
      }
    }
  }

  /** The block's view of {@code params} (contiguous, whatever its rank). */
  private static INDArray view(INDArray params, long[] block) {
    return Nd4j.create(
        params.data(), new long[] {block[1]}, new long[] {1}, params.offset() + block[0], 'c');
  }
}

package org.dp4j.dl4j.train;

import java.util.Optional;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.learning.config.IUpdater;

/** The updater a network or graph was configured with, when all its layers share one. */
final class NetworkUpdater {

  private NetworkUpdater() {}

  /**
   * The one updater (weights and biases) of every layer with an updater, or empty when the layers
   * use different ones.
   */
  static Optional<IUpdater> of(org.deeplearning4j.nn.api.Layer[] layers) {
    IUpdater shared = null;
    for (org.deeplearning4j.nn.api.Layer initialised : layers) {
      Layer layer = initialised.conf().getLayer();
      if (!(layer instanceof BaseLayer base)) {
        continue;
      }
      for (IUpdater updater : new IUpdater[] {base.getIUpdater(), base.getBiasUpdater()}) {
        if (updater == null) {
          continue;
        }
        if (shared == null) {
          shared = updater;
        } else if (!shared.equals(updater)) {
          return Optional.empty();
        }
      }
    }
    return Optional.ofNullable(shared);
  }
}

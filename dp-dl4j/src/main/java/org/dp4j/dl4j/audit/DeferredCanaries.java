package org.dp4j.dl4j.audit;

import java.util.Optional;
import org.dp4j.training.audit.GradientCanaries;
import org.dp4j.training.clipping.ClippableGradients;
import org.dp4j.training.clipping.GradientInjector;
import org.dp4j.training.optimizer.ReleasedGradientListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The trainer's injector and listener for gradient canaries that are drawn once the trainer is
 * built (they need its sampling rate), before its first step.
 */
final class DeferredCanaries implements GradientInjector, ReleasedGradientListener {

  private GradientCanaries canaries;

  void bind(GradientCanaries canaries) {
    if (this.canaries != null) {
      throw new IllegalStateException("canaries must be bound once, got a second binding");
    }
    this.canaries = canaries;
  }

  private GradientCanaries canaries() {
    if (canaries == null) {
      throw new IllegalStateException("canaries must be bound before the first step, got none");
    }
    return canaries;
  }

  @Override
  public Optional<ClippableGradients> inject(long step, long parameterCount) {
    return canaries().inject(step, parameterCount);
  }

  @Override
  public void released(long step, INDArray noisyGradient) {
    canaries().released(step, noisyGradient);
  }
}

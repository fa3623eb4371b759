package org.dp4j.training.audit;

import org.dp4j.core.internal.Checks;
import org.dp4j.training.noise.GradientNoise;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * <b>A DELIBERATE FAULT, NOT PRIVATE: for demonstrating and testing a privacy audit only.</b> Adds
 * {@code factor} times less noise than the optimizer asks for, while the accountant is told the
 * configured noise: the run then leaks far more than its privacy statement says, the kind of bug
 * (noise scaled wrongly, a forgotten factor) an audit exists to catch. {@link #isPrivate()} is
 * false, so a privacy statement made with it says NOT PRIVATE. Never use it to train on data that
 * matters, and never with a privacy ledger: the ledger would record a spend far below the leak.
 */
public final class UnderstatedNoise implements GradientNoise {

  private final GradientNoise noise;
  private final double factor;

  private UnderstatedNoise(GradientNoise noise, double factor) {
    this.noise = Checks.notNull("noise", noise);
    Checks.require(
        factor > 1 && factor < Double.POSITIVE_INFINITY, "factor", "above 1 and finite", factor);
    this.factor = factor;
  }

  /**
   * <b>NOT PRIVATE</b>: {@code noise} with its standard deviation divided by {@code factor}.
   *
   * @param noise the noise to weaken
   * @param factor above 1, finite
   * @return the faulty noise
   */
  public static UnderstatedNoise deliberateFaultNotPrivate(GradientNoise noise, double factor) {
    return new UnderstatedNoise(noise, factor);
  }

  /** {@return the factor by which the noise is understated} */
  public double factor() {
    return factor;
  }

  @Override
  public void addNoise(INDArray target, double standardDeviation) {
    Checks.nonNegativeFinite("standardDeviation", standardDeviation);
    noise.addNoise(target, standardDeviation / factor);
  }

  /** Always false: this noise is a deliberate fault. */
  @Override
  public boolean isPrivate() {
    return false;
  }

  @Override
  public String toString() {
    return "UnderstatedNoise[DELIBERATE FAULT, NOT PRIVATE, factor=" + factor + ", " + noise + "]";
  }
}

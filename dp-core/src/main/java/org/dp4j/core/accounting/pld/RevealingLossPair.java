package org.dp4j.core.accounting.pld;

import java.util.function.DoubleUnaryOperator;

/**
 * A mechanism without noise: its output tells the two datasets apart with certainty ({@code P} all
 * at loss {@code +infinity}, {@code Q} all at {@code -infinity}). Used for noise multiplier 0;
 * under Poisson sampling it still leaks only with probability {@code q}. Symmetric. Not public API.
 *
 * @param exact true for a mechanism that really has no noise; false when it stands in,
 *     pessimistically, for noise too small for any grid (its loss exceeds about 1e11)
 */
record RevealingLossPair(boolean exact) implements LossPair {

  /** A mechanism that really has no noise. */
  RevealingLossPair() {
    this(true);
  }

  @Override
  public void upperTails(double t, double[] out) {
    out[0] = t == Double.POSITIVE_INFINITY ? 0.0 : 1.0;
    out[1] = 0.0;
  }

  @Override
  public void lowerTails(double t, double[] out) {
    out[0] = 0.0;
    out[1] = t == Double.NEGATIVE_INFINITY ? 0.0 : 1.0;
  }

  @Override
  public double lowLoss() {
    return 0.0;
  }

  @Override
  public double highLoss() {
    return 0.0;
  }

  @Override
  public double expectP(DoubleUnaryOperator f) {
    return 0.0;
  }

  @Override
  public double expectQ(DoubleUnaryOperator f) {
    return 0.0;
  }

  @Override
  public boolean symmetric() {
    return true;
  }
}

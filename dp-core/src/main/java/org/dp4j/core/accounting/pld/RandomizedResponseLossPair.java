package org.dp4j.core.accounting.pld;

import java.util.function.DoubleUnaryOperator;
import org.dp4j.core.internal.Checks;

/**
 * The worst-case mechanism with an (epsilon, delta)-DP guarantee: with probability {@code delta} it
 * reveals which dataset it ran on (loss {@code +infinity} under P, {@code -infinity} under Q),
 * otherwise it is randomized response with loss {@code +/- epsilon}. Every (epsilon, delta)-DP
 * mechanism is a post-processing of it (Kairouz, Oh &amp; Viswanath 2015, Thm. 2.1; Murtagh &amp;
 * Vadhan 2016), so its PLD dominates theirs. The pair is symmetric. Not public API.
 *
 * <p>P: {@code delta} at {@code +inf}, {@code (1-delta) e^eps/(1+e^eps)} at {@code +eps}, {@code
 * (1-delta)/(1+e^eps)} at {@code -eps}. Q: the mirror image.
 *
 * @param epsilon finite and {@code >= 0}
 * @param delta in {@code [0, 1)}
 */
record RandomizedResponseLossPair(double epsilon, double delta) implements LossPair {

  RandomizedResponseLossPair {
    Checks.nonNegativeFinite("epsilon", epsilon);
    Checks.delta("delta", delta);
  }

  /** {@code (1-delta) e^eps / (1 + e^eps)}, without overflow. */
  private double large() {
    return (1.0 - delta) / (1.0 + Math.exp(-epsilon));
  }

  /** {@code (1-delta) / (1 + e^eps)}, without overflow. */
  private double small() {
    double e = Math.exp(-epsilon);
    return (1.0 - delta) * e / (1.0 + e);
  }

  @Override
  public void upperTails(double t, double[] out) {
    if (t == Double.POSITIVE_INFINITY) {
      out[0] = 0.0;
      out[1] = 0.0;
      return;
    }
    if (t < -epsilon) {
      out[0] = delta + large() + small();
      out[1] = small() + large();
    } else if (t < epsilon) {
      out[0] = delta + large();
      out[1] = small();
    } else {
      out[0] = delta;
      out[1] = 0.0;
    }
  }

  /**
   * The mirror image of the upper tails (Q is P reflected): {@code P(L < t) = Q(L > -t)} and {@code
   * Q(L < t) = P(L > -t)}.
   */
  @Override
  public void lowerTails(double t, double[] out) {
    upperTails(-t, out);
    double p = out[1];
    out[1] = out[0];
    out[0] = p;
  }

  @Override
  public double lowLoss() {
    return -epsilon;
  }

  @Override
  public double highLoss() {
    return epsilon;
  }

  @Override
  public double expectP(DoubleUnaryOperator f) {
    return large() * f.applyAsDouble(epsilon) + small() * f.applyAsDouble(-epsilon);
  }

  @Override
  public double expectQ(DoubleUnaryOperator f) {
    return small() * f.applyAsDouble(epsilon) + large() * f.applyAsDouble(-epsilon);
  }

  @Override
  public boolean symmetric() {
    return true;
  }
}

package org.dp4j.core.accounting.pld;

import java.util.function.DoubleUnaryOperator;

/**
 * A pair of output distributions {@code (P, Q)} of one mechanism on two neighbouring datasets,
 * described through its privacy loss {@code L = log(dP/dQ)}.
 *
 * <p>Implementations give exact tail probabilities of the loss under both distributions. Outcomes
 * where only {@code P} has mass have loss {@code +infinity}; outcomes where only {@code Q} has mass
 * have loss {@code -infinity}; both are included in the tails. The pair is the object the
 * discretisation ({@link ConnectTheDots}) turns into a {@link DiscretePld}. Not public API.
 */
interface LossPair {

  /**
   * {@code P(L > t)} and {@code Q(L > t)}, written into {@code out[0]} and {@code out[1]}.
   *
   * @param t a loss threshold, possibly infinite
   * @param out an array of length {@code >= 2}
   */
  void upperTails(double t, double[] out);

  /**
   * {@code P(L < t)} and {@code Q(L < t)}, written into {@code out[0]} and {@code out[1]}.
   *
   * @param t a loss threshold, possibly infinite
   * @param out an array of length {@code >= 2}
   */
  void lowerTails(double t, double[] out);

  /**
   * A loss below which {@code P} has at most {@link ConnectTheDots#TAIL_MASS} mass (a hint for the
   * grid: mass below is moved up, soundly, so a loose value only costs accuracy).
   */
  double lowLoss();

  /**
   * A loss above which {@code P} has at most {@link ConnectTheDots#TAIL_MASS} finite-loss mass (a
   * hint: mass above is moved to {@code +infinity}, soundly).
   */
  double highLoss();

  /** {@code E_P[f(L)]} over the outcomes of finite loss (approximate; used to size the grid). */
  double expectP(DoubleUnaryOperator f);

  /** {@code E_Q[f(L)]} over the outcomes of finite loss (approximate; used to size the grid). */
  double expectQ(DoubleUnaryOperator f);

  /**
   * Whether the pair's loss distribution is the same in both directions (then one PLD suffices).
   */
  boolean symmetric();

  /** The standard deviation of {@code L} under {@code P} over finite-loss outcomes. */
  default double lossStandardDeviation() {
    double mass = expectP(l -> 1.0);
    if (!(mass > 0)) {
      return 0.0;
    }
    double mean = expectP(l -> l) / mass;
    double var = expectP(l -> (l - mean) * (l - mean)) / mass;
    return Math.sqrt(Math.max(var, 0.0));
  }
}

package org.dp4j.core.accounting.pld;

import java.util.function.DoubleUnaryOperator;
import org.dp4j.core.internal.Checks;

/**
 * Poisson subsampling with rate {@code q} of a mechanism whose dominating pair is {@code (P, Q)},
 * in one of the two directions of the add/remove relation (Zhu, Dong &amp; Wang 2022, "Optimal
 * accounting of differential privacy via characteristic function", Thm. 10; Koskela, Jalko &amp;
 * Honkela 2020, Sec. 3):
 *
 * <ul>
 *   <li>{@link Direction#REMOVE}: {@code P' = (1-q) Q + q P}, {@code Q' = Q}; the loss is {@code L'
 *       = g(L)} with {@code g(l) = log(1 - q + q e^l)}, increasing.
 *   <li>{@link Direction#ADD}: {@code P' = Q}, {@code Q' = (1-q) Q + q P}; the loss is {@code L' =
 *       -g(L)}, decreasing in the inner loss.
 * </ul>
 *
 * For the Gaussian inner pair this is exactly the pair of Google's {@code dp_accounting} PLD design
 * ("remove": {@code (1-q) N(0, s^2) + q N(1, s^2)} vs {@code N(0, s^2)}; "add": the reverse). Both
 * tails of the outer loss are tails of the inner loss at {@code g^{-1}(t) = log((e^t - 1 + q)/q)},
 * so they are exact whenever the inner tails are. Not public API.
 *
 * @param samplingRate {@code q} in {@code (0, 1]}
 * @param inner the dominating pair of the sampled mechanism
 * @param direction which of the two neighbouring orders
 */
record SubsampledLossPair(double samplingRate, LossPair inner, Direction direction)
    implements LossPair {

  /** The two orders of an add/remove pair of datasets. */
  enum Direction {
    /** The first dataset has one record more. */
    REMOVE,
    /** The first dataset has one record less. */
    ADD
  }

  SubsampledLossPair {
    Checks.samplingRate("samplingRate", samplingRate);
    Checks.notNull("inner", inner);
    Checks.notNull("direction", direction);
  }

  /** {@code g(l) = log(1 - q + q e^l)}, increasing, from {@code log(1-q)} to {@code +inf}. */
  private double g(double l) {
    double q = samplingRate;
    if (l == Double.NEGATIVE_INFINITY) {
      return Math.log1p(-q);
    }
    if (l > 0) {
      // log(q e^l (1 + (1-q) e^{-l} / q)) without overflow.
      return l + Math.log(q) + Math.log1p((1 - q) * Math.exp(-l) / q);
    }
    return Math.log1p(q * Math.expm1(l));
  }

  /**
   * {@code g^{-1}(t) = log((e^t - 1 + q) / q)}: NaN when {@code t < log(1-q)} (no inner loss maps
   * there), {@code -inf} at {@code t = log(1-q)}.
   */
  private double gInverse(double t) {
    double q = samplingRate;
    if (t == Double.POSITIVE_INFINITY) {
      return t;
    }
    if (t > 1) {
      // log(e^t (1 - (1-q) e^{-t}) / q)
      return t + Math.log1p(-(1 - q) * Math.exp(-t)) - Math.log(q);
    }
    double arg = Math.expm1(t) + q;
    if (arg < 0) {
      return Double.NaN;
    }
    return Math.log(arg) - Math.log(q);
  }

  @Override
  public void upperTails(double t, double[] out) {
    double q = samplingRate;
    if (direction == Direction.REMOVE) {
      double inv = gInverse(t);
      if (Double.isNaN(inv)) {
        // t is below every outer loss (inner -inf atoms included).
        out[0] = 1.0;
        out[1] = 1.0;
        return;
      }
      inner.upperTails(inv, out);
      double p = out[0];
      double qq = out[1];
      out[0] = (1 - q) * qq + q * p;
      out[1] = qq;
    } else {
      // L' > t  <=>  g(L) < -t  <=>  L < g^{-1}(-t).
      double inv = gInverse(-t);
      if (Double.isNaN(inv)) {
        out[0] = 0.0;
        out[1] = 0.0;
        return;
      }
      inner.lowerTails(inv, out);
      double p = out[0];
      double qq = out[1];
      out[0] = qq;
      out[1] = (1 - q) * qq + q * p;
    }
  }

  @Override
  public void lowerTails(double t, double[] out) {
    double q = samplingRate;
    if (direction == Direction.REMOVE) {
      // L' < t  <=>  L < g^{-1}(t).
      double inv = gInverse(t);
      if (Double.isNaN(inv)) {
        out[0] = 0.0;
        out[1] = 0.0;
        return;
      }
      inner.lowerTails(inv, out);
      double p = out[0];
      double qq = out[1];
      out[0] = (1 - q) * qq + q * p;
      out[1] = qq;
    } else {
      // L' < t  <=>  g(L) > -t  <=>  L > g^{-1}(-t).
      double inv = gInverse(-t);
      if (Double.isNaN(inv)) {
        out[0] = 1.0;
        out[1] = 1.0;
        return;
      }
      inner.upperTails(inv, out);
      double p = out[0];
      double qq = out[1];
      out[0] = qq;
      out[1] = (1 - q) * qq + q * p;
    }
  }

  /** For REMOVE, {@code log(1-q)}: the exact minimum of the outer loss. */
  @Override
  public double lowLoss() {
    if (direction == Direction.REMOVE) {
      return samplingRate < 1 ? Math.log1p(-samplingRate) : inner.lowLoss();
    }
    return -g(inner.highLoss());
  }

  /**
   * For ADD, {@code -log(1-q)}: the exact maximum of the outer loss (reached by the inner pair's
   * Q-only outcomes, which must not be pushed to infinity).
   */
  @Override
  public double highLoss() {
    if (direction == Direction.REMOVE) {
      return g(inner.highLoss());
    }
    return samplingRate < 1 ? -Math.log1p(-samplingRate) : -inner.lowLoss();
  }

  @Override
  public double expectP(DoubleUnaryOperator f) {
    double q = samplingRate;
    if (direction == Direction.REMOVE) {
      DoubleUnaryOperator fg = l -> f.applyAsDouble(g(l));
      return (1 - q) * inner.expectQ(fg) + q * inner.expectP(fg);
    }
    return inner.expectQ(l -> f.applyAsDouble(-g(l)));
  }

  @Override
  public double expectQ(DoubleUnaryOperator f) {
    double q = samplingRate;
    if (direction == Direction.REMOVE) {
      return inner.expectQ(l -> f.applyAsDouble(g(l)));
    }
    DoubleUnaryOperator fg = l -> f.applyAsDouble(-g(l));
    return (1 - q) * inner.expectQ(fg) + q * inner.expectP(fg);
  }

  @Override
  public boolean symmetric() {
    return samplingRate == 1.0 && inner.symmetric();
  }
}

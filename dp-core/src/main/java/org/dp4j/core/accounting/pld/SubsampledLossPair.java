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

  /** The outer loss of an inner loss {@code l}: {@code g(l)} for REMOVE, {@code -g(l)} for ADD. */
  private double outerLoss(double l) {
    return direction == Direction.REMOVE ? g(l) : -g(l);
  }

  @Override
  public void upperTails(double t, double[] out) {
    tails(t, true, out);
  }

  @Override
  public void lowerTails(double t, double[] out) {
    tails(t, false, out);
  }

  /**
   * The upper ({@code L' > t}) or lower ({@code L' < t}) tails. The outer loss is monotone in the
   * inner one, increasing for REMOVE ({@code L' > t <=> L > g^{-1}(t)}) and decreasing for ADD
   * ({@code L' > t <=> g(L) < -t <=> L < g^{-1}(-t)}), so each outer tail is one inner tail at
   * {@code g^{-1}(+-t)}, the same side for REMOVE and the other for ADD; the sampled distribution
   * is the mixture {@code (1-q) Q + q P} of the inner one's.
   */
  private void tails(double t, boolean upper, double[] out) {
    boolean remove = direction == Direction.REMOVE;
    boolean innerUpper = upper == remove;
    double inv = gInverse(remove ? t : -t);
    if (Double.isNaN(inv)) {
      // No inner loss maps to the threshold, which lies below every value of g: the whole mass
      // is in the inner upper tail (inner -inf atoms included) and none in the lower.
      double mass = innerUpper ? 1.0 : 0.0;
      out[0] = mass;
      out[1] = mass;
      return;
    }
    if (innerUpper) {
      inner.upperTails(inv, out);
    } else {
      inner.lowerTails(inv, out);
    }
    double p = out[0];
    double qq = out[1];
    double mixture = (1 - samplingRate) * qq + samplingRate * p;
    out[0] = remove ? mixture : qq;
    out[1] = remove ? qq : mixture;
  }

  /**
   * The least value of {@code g(L)}: {@code log(1-q)}, the exact minimum (reached by the inner
   * pair's Q-only outcomes, which must not be pushed to infinity), or the inner low loss when
   * {@code q == 1}. It is the low loss for REMOVE and minus the high loss for ADD.
   */
  private double lowestG() {
    return samplingRate < 1 ? Math.log1p(-samplingRate) : inner.lowLoss();
  }

  @Override
  public double lowLoss() {
    return direction == Direction.REMOVE ? lowestG() : -g(inner.highLoss());
  }

  @Override
  public double highLoss() {
    return direction == Direction.REMOVE ? g(inner.highLoss()) : -lowestG();
  }

  @Override
  public double expectP(DoubleUnaryOperator f) {
    return expect(f, true);
  }

  @Override
  public double expectQ(DoubleUnaryOperator f) {
    return expect(f, false);
  }

  /**
   * {@code E[f(L')]} under the outer P ({@code underP}) or Q: the mixture {@code (1-q) Q + q P} of
   * the inner pair is the outer P for REMOVE and the outer Q for ADD; the other is the inner Q.
   */
  private double expect(DoubleUnaryOperator f, boolean underP) {
    DoubleUnaryOperator fOuter = l -> f.applyAsDouble(outerLoss(l));
    if (underP == (direction == Direction.REMOVE)) {
      return (1 - samplingRate) * inner.expectQ(fOuter) + samplingRate * inner.expectP(fOuter);
    }
    return inner.expectQ(fOuter);
  }

  @Override
  public boolean symmetric() {
    return samplingRate == 1.0 && inner.symmetric();
  }
}

package org.dp4j.training.audit;

import java.util.Arrays;
import org.dp4j.core.internal.Checks;

/**
 * A symmetric trade-off function {@code f} (Dong, Roth &amp; Su 2022, "Gaussian Differential
 * Privacy", Definitions 2.1-2.3): a mechanism is f-DP when no test between two neighbouring
 * datasets has type II error below {@code f(alpha)} at type I error {@code alpha}, in both orders.
 * It is the hypothesis a one-run f-DP audit tests ({@link OneRunFdpTest}).
 *
 * <p>Implementations: {@link #gaussian(double)} (mu-GDP), {@link #epsilonDelta(double, double)}
 * ((epsilon, delta)-DP) and {@link #privacyProfile(double[], double[])} (the curve of a mechanism
 * known through (epsilon, delta(epsilon)) pairs, such as an accountant's).
 */
public interface TradeOffFunction {

  /**
   * The smallest type II error at type I error {@code alpha}.
   *
   * @param alpha in {@code [0, 1]}
   * @return {@code f(alpha)}, in {@code [0, 1 - alpha]}
   */
  double typeTwoError(double alpha);

  /**
   * A lower bound on the inverse of the blow-up function {@code g(h) = 1 - f(h)}: the smallest
   * {@code h} in {@code [0, 1]} with {@code g(h) >= r}. For an f-DP mechanism and any guess, the
   * probability {@code h} of guessing wrongly and the probability {@code r} of guessing rightly
   * satisfy {@code r <= g(h)}, hence {@code h >= blowUpInverse(r)}. Implementations round down.
   *
   * @param r in {@code [0, 1]}
   * @return the smallest such {@code h}, rounded down; {@code 1} when {@code g} never reaches
   *     {@code r} below 1
   */
  double blowUpInverse(double r);

  /**
   * mu-Gaussian differential privacy: {@code f(alpha) = Phi(Phi^-1(1 - alpha) - mu)} (Dong, Roth
   * &amp; Su 2022, Definition 2.6), the trade-off of the Gaussian mechanism with noise multiplier
   * {@code 1 / mu}; {@code blowUpInverse(r) = Phi(Phi^-1(r) - mu)}.
   *
   * @param mu finite, {@code >= 0}
   * @return the trade-off function
   */
  static TradeOffFunction gaussian(double mu) {
    return new GaussianTradeOff(Checks.nonNegativeFinite("mu", mu));
  }

  /**
   * (epsilon, delta)-DP: {@code f(alpha) = max(0, 1 - delta - e^eps alpha, e^-eps (1 - delta -
   * alpha))} (Dong, Roth &amp; Su 2022, Proposition 2.5; Kairouz, Oh &amp; Viswanath 2015).
   *
   * @param epsilon finite, {@code >= 0}
   * @param delta in {@code [0, 1)}
   * @return the trade-off function
   */
  static TradeOffFunction epsilonDelta(double epsilon, double delta) {
    return new EpsilonDeltaTradeOff(
        Checks.nonNegativeFinite("epsilon", epsilon), Checks.delta("delta", delta));
  }

  /**
   * The trade-off function of a mechanism that is (epsilon_k, delta_k)-DP for every {@code k}: the
   * upper envelope of their trade-off functions (Dong, Roth &amp; Su 2022, Proposition 2.12). A
   * mechanism's whole privacy profile {@code delta(epsilon)} gives its exact curve; a finite grid
   * gives a curve below it, so testing it is conservative.
   *
   * @param epsilons finite, {@code >= 0}, not empty
   * @param deltas one per epsilon, in {@code [0, 1]} (1 states nothing)
   * @return the trade-off function
   */
  static TradeOffFunction privacyProfile(double[] epsilons, double[] deltas) {
    Checks.notNull("epsilons", epsilons);
    Checks.notNull("deltas", deltas);
    Checks.require(epsilons.length > 0, "epsilons", "not empty", "an empty array");
    Checks.require(
        deltas.length == epsilons.length,
        "deltas.length",
        "equal to epsilons.length " + epsilons.length,
        deltas.length);
    for (int k = 0; k < epsilons.length; k++) {
      Checks.nonNegativeFinite("epsilons[" + k + "]", epsilons[k]);
      Checks.probability("deltas[" + k + "]", deltas[k]);
    }
    return new ProfileTradeOff(epsilons.clone(), deltas.clone());
  }

  /** mu-GDP, see {@link TradeOffFunction#gaussian(double)}. */
  record GaussianTradeOff(double mu) implements TradeOffFunction {

    @Override
    public double typeTwoError(double alpha) {
      Checks.probability("alpha", alpha);
      return StandardNormal.cdf(StandardNormal.quantile(1 - alpha) - mu);
    }

    @Override
    public double blowUpInverse(double r) {
      Checks.probability("r", r);
      return RoundDown.of(StandardNormal.cdf(StandardNormal.quantile(r) - mu));
    }
  }

  /** (epsilon, delta)-DP, see {@link TradeOffFunction#epsilonDelta(double, double)}. */
  record EpsilonDeltaTradeOff(double epsilon, double delta) implements TradeOffFunction {

    @Override
    public double typeTwoError(double alpha) {
      Checks.probability("alpha", alpha);
      return Math.max(
          0,
          Math.max(
              1 - delta - Math.exp(epsilon) * alpha, Math.exp(-epsilon) * (1 - delta - alpha)));
    }

    /**
     * {@code g(h) = min(1, delta + e^eps h, 1 - e^-eps (1 - delta - h))}, so {@code g(h) >= r}
     * exactly when {@code h >= (r - delta) e^-eps} and {@code h >= 1 - delta - e^eps (1 - r)}.
     */
    @Override
    public double blowUpInverse(double r) {
      Checks.probability("r", r);
      double h =
          Math.max(
              0,
              Math.max((r - delta) * Math.exp(-epsilon), 1 - delta - Math.exp(epsilon) * (1 - r)));
      return RoundDown.of(Math.min(1, h));
    }
  }

  /** The envelope of (epsilon_k, delta_k) curves, see {@link #privacyProfile}. */
  final class ProfileTradeOff implements TradeOffFunction {
    private final double[] epsilons;
    private final double[] deltas;

    private ProfileTradeOff(double[] epsilons, double[] deltas) {
      this.epsilons = epsilons;
      this.deltas = deltas;
    }

    @Override
    public double typeTwoError(double alpha) {
      Checks.probability("alpha", alpha);
      double best = 0;
      for (int k = 0; k < epsilons.length; k++) {
        best = Math.max(best, new EpsilonDeltaTradeOff(epsilons[k], deltas[k]).typeTwoError(alpha));
      }
      return best;
    }

    /** {@code g = min_k g_k}, so {@code g(h) >= r} exactly when every {@code g_k(h) >= r}. */
    @Override
    public double blowUpInverse(double r) {
      Checks.probability("r", r);
      double best = 0;
      for (int k = 0; k < epsilons.length; k++) {
        double delta = Math.min(deltas[k], Math.nextDown(1.0));
        best = Math.max(best, new EpsilonDeltaTradeOff(epsilons[k], delta).blowUpInverse(r));
      }
      return best;
    }

    @Override
    public String toString() {
      return "ProfileTradeOff[epsilons="
          + Arrays.toString(epsilons)
          + ", deltas="
          + Arrays.toString(deltas)
          + "]";
    }
  }
}

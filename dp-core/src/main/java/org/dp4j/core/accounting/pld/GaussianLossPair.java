package org.dp4j.core.accounting.pld;

import java.util.function.DoubleUnaryOperator;
import org.dp4j.core.internal.Checks;
import org.dp4j.core.internal.LogMath;

/**
 * The Gaussian mechanism with sensitivity 1: {@code P = N(1, s^2)}, {@code Q = N(0, s^2)}. The loss
 * {@code L(x) = (2x - 1) / (2 s^2)} is {@code N(mu, 2 mu)} under P and {@code N(-mu, 2 mu)} under
 * Q, with {@code mu = 1 / (2 s^2)} (Balle &amp; Wang 2018, Lemma 3; Sommer, Meiser &amp; Mohammadi
 * 2019, Sec. 5). The pair is symmetric. Not public API.
 *
 * @param noiseMultiplier {@code s}, positive and finite
 */
record GaussianLossPair(double noiseMultiplier) implements LossPair {

  /**
   * Standard deviations kept on each side of the loss distributions: {@code Phi(-9.5)} is about
   * 1.0e-21, so the mass moved to the tails by the grid hints is below that per step.
   */
  static final double TAIL_SIGMAS = 9.5;

  /** Quadrature nodes per side for the (grid-sizing only) expectations. */
  private static final int QUADRATURE_HALF_NODES = 600;

  GaussianLossPair {
    Checks.positiveFinite("noiseMultiplier", noiseMultiplier);
  }

  private double mu() {
    return 0.5 / (noiseMultiplier * noiseMultiplier);
  }

  @Override
  public void upperTails(double t, double[] out) {
    double s = noiseMultiplier;
    double half = 0.5 / s;
    // P(L > t) = Phi(1/(2s) - s t); Q(L > t) = Phi(-1/(2s) - s t).
    out[0] = tail(half - s * t);
    out[1] = tail(-half - s * t);
  }

  @Override
  public void lowerTails(double t, double[] out) {
    double s = noiseMultiplier;
    double half = 0.5 / s;
    out[0] = tail(s * t - half);
    out[1] = tail(s * t + half);
  }

  /** {@code Phi(z)}, with exact limits at infinite (or NaN-free infinite-product) arguments. */
  private static double tail(double z) {
    if (z == Double.POSITIVE_INFINITY) {
      return 1.0;
    }
    if (z == Double.NEGATIVE_INFINITY) {
      return 0.0;
    }
    return LogMath.normalCdf(z);
  }

  @Override
  public double lowLoss() {
    return -mu() - TAIL_SIGMAS / noiseMultiplier;
  }

  @Override
  public double highLoss() {
    return mu() + TAIL_SIGMAS / noiseMultiplier;
  }

  @Override
  public double expectP(DoubleUnaryOperator f) {
    return normalExpectation(mu(), 1.0 / noiseMultiplier, f);
  }

  @Override
  public double expectQ(DoubleUnaryOperator f) {
    return normalExpectation(-mu(), 1.0 / noiseMultiplier, f);
  }

  /** Trapezoidal {@code E[f(mean + sd Z)]} over {@code |Z| <= 12}. */
  static double normalExpectation(double mean, double sd, DoubleUnaryOperator f) {
    double range = 12.0;
    int n = QUADRATURE_HALF_NODES;
    double dz = range / n;
    double sum = 0.0;
    double norm = 0.0;
    for (int i = -n; i <= n; i++) {
      double z = i * dz;
      double w = Math.exp(-0.5 * z * z);
      sum += w * f.applyAsDouble(mean + sd * z);
      norm += w;
    }
    return sum / norm;
  }

  @Override
  public boolean symmetric() {
    return true;
  }
}

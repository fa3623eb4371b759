package org.dp4j.core.accounting.pld;

import java.util.function.DoubleUnaryOperator;
import org.dp4j.core.internal.Checks;

/**
 * The Laplace mechanism with sensitivity 1 and scale {@code b}: {@code P = Lap(0, b)}, {@code Q =
 * Lap(1, b)}. The loss {@code L(x) = (|x - 1| - |x|) / b} lies in {@code [-1/b, 1/b]} with atoms at
 * both ends; for {@code -1/b <= t < 1/b}, {@code P(L <= t) = exp(-(1 - b t) / (2b)) / 2} and {@code
 * Q(L > t) = exp(-(1 + b t) / (2b)) / 2} (Koskela, Jalko &amp; Honkela 2021, Sec. 6.1; Google DP
 * team, "Privacy Loss Distributions" 2021, Sec. 3.2). The pair is symmetric. Not public API.
 *
 * @param scale {@code b}, positive and finite
 */
record LaplaceLossPair(double scale) implements LossPair {

  private static final int QUADRATURE_NODES = 2000;

  LaplaceLossPair {
    Checks.positiveFinite("scale", scale);
  }

  private double bound() {
    return 1.0 / scale;
  }

  @Override
  public void upperTails(double t, double[] out) {
    double b = scale;
    if (t < -bound()) {
      out[0] = 1.0;
      out[1] = 1.0;
    } else if (t < bound()) {
      out[0] = 1.0 - 0.5 * Math.exp(-(1.0 - b * t) / (2.0 * b));
      out[1] = 0.5 * Math.exp(-(1.0 + b * t) / (2.0 * b));
    } else {
      out[0] = 0.0;
      out[1] = 0.0;
    }
  }

  @Override
  public void lowerTails(double t, double[] out) {
    double b = scale;
    if (t <= -bound()) {
      out[0] = 0.0;
      out[1] = 0.0;
    } else if (t <= bound()) {
      out[0] = 0.5 * Math.exp(-(1.0 - b * t) / (2.0 * b));
      out[1] = 1.0 - 0.5 * Math.exp(-(1.0 + b * t) / (2.0 * b));
    } else {
      out[0] = 1.0;
      out[1] = 1.0;
    }
  }

  @Override
  public double lowLoss() {
    return -bound();
  }

  @Override
  public double highLoss() {
    return bound();
  }

  @Override
  public double expectP(DoubleUnaryOperator f) {
    double b = scale;
    // Atoms: x <= 0 (loss 1/b, mass 1/2) and x >= 1 (loss -1/b, mass e^{-1/b}/2).
    double sum =
        0.5 * f.applyAsDouble(bound()) + 0.5 * Math.exp(-bound()) * f.applyAsDouble(-bound());
    return sum + continuousPart(f, true);
  }

  @Override
  public double expectQ(DoubleUnaryOperator f) {
    double sum =
        0.5 * Math.exp(-bound()) * f.applyAsDouble(bound()) + 0.5 * f.applyAsDouble(-bound());
    return sum + continuousPart(f, false);
  }

  /** Midpoint rule over {@code 0 < x < 1}, where the loss is {@code (1 - 2x)/b}. */
  private double continuousPart(DoubleUnaryOperator f, boolean underP) {
    double b = scale;
    int n = QUADRATURE_NODES;
    double dx = 1.0 / n;
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
      double x = (i + 0.5) * dx;
      double density = underP ? Math.exp(-x / b) / (2 * b) : Math.exp(-(1 - x) / b) / (2 * b);
      sum += density * dx * f.applyAsDouble((1.0 - 2.0 * x) / b);
    }
    return sum;
  }

  @Override
  public boolean symmetric() {
    return true;
  }
}

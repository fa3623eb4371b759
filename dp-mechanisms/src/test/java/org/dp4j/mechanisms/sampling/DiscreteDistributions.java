package org.dp4j.mechanisms.sampling;

import java.util.function.LongToDoubleFunction;

/** Reference CDFs written independently of the samplers, in closed form or by direct summation. */
public final class DiscreteDistributions {

  private DiscreteDistributions() {}

  /**
   * CDF of the discrete Laplace with {@code p = exp(-1/scale)}: for k >= 0, {@code 1 - p^(k+1) / (1
   * + p)}; for k < 0, {@code p^(-k) / (1 + p)}.
   */
  public static LongToDoubleFunction discreteLaplaceCdf(double scale) {
    double logP = -1.0 / scale;
    double p = Math.exp(logP);
    return k -> k >= 0 ? 1.0 - Math.exp((k + 1) * logP) / (1 + p) : Math.exp(-k * logP) / (1 + p);
  }

  /**
   * CDF of the discrete Gaussian with parameter sigma, by summing the normalised mass (|k| <= 40
   * sigma + 50).
   */
  public static LongToDoubleFunction discreteGaussianCdf(double sigma) {
    int half = (int) Math.ceil(40 * sigma) + 50;
    double[] mass = new double[2 * half + 1];
    double total = 0;
    for (int k = -half; k <= half; k++) {
      mass[k + half] = Math.exp(-(double) k * k / (2 * sigma * sigma));
      total += mass[k + half];
    }
    double[] cdf = new double[mass.length];
    double running = 0;
    for (int i = 0; i < mass.length; i++) {
      running += mass[i] / total;
      cdf[i] = running;
    }
    return k -> k < -half ? 0.0 : k >= half ? 1.0 : cdf[(int) k + half];
  }
}

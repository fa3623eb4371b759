package org.dp4j.mechanisms.sampling;

import java.math.BigInteger;
import org.apache.commons.rng.UniformRandomProvider;
import org.dp4j.core.internal.Checks;

/**
 * Exact sampler of the discrete Gaussian distribution on the integers, {@code P[X = k] ∝ exp(-k^2 /
 * (2 sigma^2))} (Canonne, Kamath &amp; Steinke 2020, Algorithm 3: rejection from a discrete Laplace
 * of scale {@code floor(sigma) + 1}).
 *
 * <p>{@code sigma} is given as a double and used <em>exactly</em>: a finite double is the rational
 * {@code m * 2^e}, so {@code sigma^2} is an exact rational and all arithmetic is on big integers.
 * Adding it to an integer query of L2 sensitivity {@code Δ} gives {@code Δ^2 / (2 sigma^2)}-zCDP
 * (CKS 2020, Thm. 4), the same as the continuous Gaussian. Its variance is below {@code sigma^2}
 * (CKS 2020, Cor. 9).
 *
 * <p>Expected iterations per sample are below 2 for every sigma (CKS 2020, Sec. 5.3). Not
 * thread-safe; the source is used by this sampler only.
 */
public final class DiscreteGaussianSampler {

  /** Largest accepted sigma, 2^52: beyond it {@code floor(sigma) + 1} loses exactness in a long. */
  public static final double MAX_SIGMA = 0x1.0p52;

  private final double sigma;
  private final DiscreteLaplaceSampler laplace;
  private final ExactBernoulli bernoulli;
  private final BigInteger laplaceScale;

  /** sigma^2 = varianceNumerator / varianceDenominator, exactly. */
  private final BigInteger varianceNumerator;

  private final BigInteger varianceDenominator;

  /** The same quantities as longs when they fit (-1 otherwise), for the fast path. */
  private final long varianceNumeratorLong;

  private final long denominatorTimesScale;
  private final long gammaDenominatorLong;
  private final BigInteger gammaDenominator;

  private DiscreteGaussianSampler(double sigma, UniformRandomProvider random) {
    this.sigma = sigma;
    long t = (long) Math.floor(sigma) + 1;
    this.laplaceScale = BigInteger.valueOf(t);
    this.laplace = DiscreteLaplaceSampler.of(t, random);
    this.bernoulli = new ExactBernoulli(random);
    int exponent = Math.getExponent(sigma) - 52;
    long mantissa = (long) Math.scalb(sigma, -exponent);
    int trailingZeros = Long.numberOfTrailingZeros(mantissa);
    mantissa >>= trailingZeros;
    exponent += trailingZeros;
    BigInteger m2 = BigInteger.valueOf(mantissa).pow(2);
    if (exponent >= 0) {
      varianceNumerator = m2.shiftLeft(2 * exponent);
      varianceDenominator = BigInteger.ONE;
    } else {
      varianceNumerator = m2;
      varianceDenominator = BigInteger.ONE.shiftLeft(-2 * exponent);
    }
    // gamma = (|y| - sigma^2/t)^2 / (2 sigma^2) = (|y| d t - n)^2 / (2 n d t^2)
    BigInteger dt = varianceDenominator.multiply(laplaceScale);
    this.gammaDenominator = varianceNumerator.multiply(dt).multiply(laplaceScale).shiftLeft(1);
    boolean small = gammaDenominator.bitLength() < 63 && dt.bitLength() < 63;
    this.varianceNumeratorLong = small ? varianceNumerator.longValueExact() : -1;
    this.denominatorTimesScale = small ? dt.longValueExact() : -1;
    this.gammaDenominatorLong = small ? gammaDenominator.longValueExact() : -1;
  }

  /**
   * A sampler with parameter {@code sigma} (the standard deviation of the continuous Gaussian it
   * discretises).
   *
   * @param sigma positive, finite and at most {@link #MAX_SIGMA}; normal (not subnormal)
   * @param random the uniform source, not null (use a secure one for privacy)
   * @return the sampler
   * @throws IllegalArgumentException when sigma is NaN, infinite, not positive, subnormal or too
   *     large
   */
  public static DiscreteGaussianSampler of(double sigma, UniformRandomProvider random) {
    Checks.require(
        sigma >= Double.MIN_NORMAL && sigma <= MAX_SIGMA,
        "sigma",
        "in [" + Double.MIN_NORMAL + ", 2^52]",
        sigma);
    return new DiscreteGaussianSampler(sigma, Checks.notNull("random", random));
  }

  /** {@return the parameter sigma} */
  public double sigma() {
    return sigma;
  }

  /** {@return one sample: an integer with the discrete Gaussian distribution} */
  public long sample() {
    while (true) {
      long y = laplace.sample();
      if (acceptWithProbabilityExpMinusGamma(Math.abs(y))) {
        return y;
      }
    }
  }

  /** Bernoulli(exp(-gamma)) for gamma = (|y| d t - n)^2 / (2 n d t^2), in longs when it fits. */
  private boolean acceptWithProbabilityExpMinusGamma(long absY) {
    if (gammaDenominatorLong > 0) {
      long high = Math.multiplyHigh(absY, denominatorTimesScale);
      long product = absY * denominatorTimesScale;
      if (high == 0 && product >= 0) {
        long centred = product - varianceNumeratorLong;
        if (Math.abs(centred) < (1L << 31)) {
          return bernoulli.bernoulliExpMinus(centred * centred, gammaDenominatorLong);
        }
      }
    }
    BigInteger centred =
        BigInteger.valueOf(absY)
            .multiply(varianceDenominator)
            .multiply(laplaceScale)
            .subtract(varianceNumerator);
    return bernoulli.bernoulliExpMinus(centred.multiply(centred), gammaDenominator);
  }

  @Override
  public String toString() {
    return "DiscreteGaussianSampler[sigma=" + sigma + "]";
  }
}

package org.dp4j.training.audit;

import java.util.Optional;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.training.config.DpSgdConfig;
import org.dp4j.training.sampling.SamplingScheme;

/**
 * What a DP-SGD run claims, as the audit tests it: epsilon at the run's delta for the steps taken,
 * computed by a fresh accountant of the configuration's kind (the same number the run's privacy
 * statement gives), and the run's whole trade-off curve from the same accountant's privacy profile
 * {@code delta(epsilon)}, for the f-DP analysis.
 *
 * <p>The claim depends only on the noise multiplier, the sampling rate {@code q}, the number of
 * steps and delta; the audit fixes all of them before the canaries' inclusion is drawn.
 */
public final class ClaimedPrivacy {

  /** Points of the privacy profile a curve is built from. */
  private static final int PROFILE_POINTS = 100;

  /** The profile runs from epsilon 0 to the epsilon at this delta. */
  private static final double PROFILE_SMALLEST_DELTA = 1e-10;

  /** Largest epsilon of a profile, when the accountant certifies none at the smallest delta. */
  private static final double PROFILE_LARGEST_EPSILON = 100;

  private final DpSgdConfig config;
  private final long steps;
  private final double epsilon;

  private ClaimedPrivacy(DpSgdConfig config, long steps) {
    this.config = Checks.notNull("config", config);
    this.steps = Checks.positive("steps", steps);
    PrivacyAccountant accountant = config.newAccountant();
    accountant.compose(config.eventForSteps(steps));
    this.epsilon = accountant.epsilon(config.targetDelta());
  }

  /**
   * The claim of {@code steps} steps of the run configured by {@code config}.
   *
   * @param config the run's configuration
   * @param steps the steps taken, {@code >= 1}
   * @return the claim
   */
  public static ClaimedPrivacy of(DpSgdConfig config, long steps) {
    return new ClaimedPrivacy(config, steps);
  }

  /** {@return the claimed epsilon at {@link #delta()}: an upper bound from the accountant} */
  public double epsilon() {
    return epsilon;
  }

  /** {@return the delta of the claim: the configuration's target delta} */
  public double delta() {
    return config.targetDelta();
  }

  /** {@return the steps the claim covers} */
  public long steps() {
    return steps;
  }

  /** {@return the accounted noise multiplier of every step} */
  public double noiseMultiplier() {
    return config.noiseMultiplier();
  }

  /** {@return the configuration} */
  public DpSgdConfig config() {
    return config;
  }

  /**
   * The claimed trade-off curve: the envelope of the accountant's (epsilon, delta(epsilon)) for
   * {@value #PROFILE_POINTS} epsilons from 0 up to its epsilon at delta {@code 1e-10}. The
   * accountant's deltas are upper bounds, in both orders of a neighbouring pair, so the curve is
   * symmetric and lies below the mechanism's exact curve: rejecting it rejects the claim.
   *
   * @return the claimed trade-off curve
   */
  public TradeOffFunction curve() {
    return curveOf(config.eventForSteps(steps));
  }

  /**
   * The trade-off curve of the same run with noise multiplier {@code noiseMultiplier} instead (same
   * sampling, steps and accountant), or empty when the configuration's step events are not of the
   * form {@code Gaussian(z)}, Poisson-sampled at its rate.
   *
   * @param noiseMultiplier positive and finite
   * @return the curve, built as {@link #curve()}
   */
  public Optional<TradeOffFunction> curveAtNoiseMultiplier(double noiseMultiplier) {
    Checks.positiveFinite("noiseMultiplier", noiseMultiplier);
    if (!runEvent(config.noiseMultiplier()).equals(config.eventForSteps(steps))) {
      return Optional.empty();
    }
    return Optional.of(curveOf(runEvent(noiseMultiplier)));
  }

  /** The claimed epsilon at {@link #delta()} of the run with noise multiplier {@code z}. */
  double epsilonAtNoiseMultiplier(double noiseMultiplier) {
    PrivacyAccountant accountant = config.newAccountant();
    accountant.compose(runEvent(noiseMultiplier));
    return accountant.epsilon(config.targetDelta());
  }

  private PrivacyEvent runEvent(double noiseMultiplier) {
    double q = config.samplingScheme() == SamplingScheme.POISSON ? config.samplingRate() : 1.0;
    return new GaussianEvent(noiseMultiplier).poissonSampled(q).repeated(steps);
  }

  private TradeOffFunction curveOf(PrivacyEvent run) {
    PrivacyAccountant accountant = config.newAccountant();
    accountant.compose(run);
    double top = accountant.epsilon(PROFILE_SMALLEST_DELTA);
    if (!(top <= PROFILE_LARGEST_EPSILON)) {
      top = PROFILE_LARGEST_EPSILON;
    }
    double[] epsilons = new double[PROFILE_POINTS];
    double[] deltas = new double[PROFILE_POINTS];
    for (int k = 0; k < PROFILE_POINTS; k++) {
      epsilons[k] = top * k / (PROFILE_POINTS - 1);
      deltas[k] = Math.min(1.0, accountant.delta(epsilons[k]));
    }
    return TradeOffFunction.privacyProfile(epsilons, deltas);
  }

  @Override
  public String toString() {
    return "ClaimedPrivacy[epsilon="
        + epsilon
        + ", delta="
        + delta()
        + ", steps="
        + steps
        + ", noiseMultiplier="
        + noiseMultiplier()
        + ", samplingRate="
        + config.samplingRate()
        + "]";
  }
}

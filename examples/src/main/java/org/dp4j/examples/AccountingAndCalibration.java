package org.dp4j.examples;

import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.AccountantKind;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.calibration.GaussianCalibration;
import org.dp4j.core.calibration.NoiseCalibration;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PrivacyEvent;

/**
 * Accounting and calibration with dp-core: what a DP-SGD run spends under each accountant, what a
 * mix of releases spends, and the smallest noise that meets a target guarantee.
 */
public final class AccountingAndCalibration {

  private AccountingAndCalibration() {}

  /**
   * Runs the example.
   *
   * @param args none
   */
  public static void main(String[] args) {
    // Events are immutable descriptions of releases; accountants compose them into an (epsilon,
    // delta) guarantee that is always an upper bound. 10,000 steps of DP-SGD: batches
    // Poisson-sampled at rate 256/60,000, Gaussian noise with multiplier 1.1.
    double samplingRate = 256.0 / 60_000;
    PrivacyEvent training = new GaussianEvent(1.1).poissonSampled(samplingRate).repeated(10_000);
    double delta = 1e-5;
    System.out.println("10,000 DP-SGD steps, epsilon at delta 1e-5, by accountant:");
    for (AccountantKind kind : AccountantKind.values()) {
      PrivacyAccountant accountant = kind.create(NeighbouringRelation.ADD_OR_REMOVE_ONE);
      if (accountant.supports(training)) {
        double epsilon = accountant.compose(training).epsilon(delta);
        System.out.printf("  %-22s %10.4f%n", kind.label(), epsilon);
      } else {
        System.out.printf(
            "  %-22s %s%n", kind.label(), accountant.unsupportedReason(training).orElseThrow());
      }
    }

    // A mix of releases: 20 Laplace counts (noise 10x the sensitivity) and one Gaussian sum.
    PrivacyEvent mix = ComposedEvent.of(new LaplaceEvent(10).repeated(20), new GaussianEvent(5));
    System.out.printf(
        "20 Laplace counts and a Gaussian sum: epsilon %.4f (PLD), %.4f (RDP) at delta 1e-6%n",
        new PldAccountant().compose(mix).epsilon(1e-6),
        new RdpAccountant().compose(mix).epsilon(1e-6));

    // Calibration: the smallest noise for a target. Re-accounted, it never exceeds the target.
    PrivacyBudget oneRelease = PrivacyBudget.approximate(0.5, 1e-5);
    double sigma = GaussianCalibration.analyticSigma(oneRelease, 1.0);
    System.out.printf(
        "Gaussian mechanism at %s, L2 sensitivity 1: sigma %.4f (the classic bound: %.4f)%n",
        oneRelease, sigma, GaussianCalibration.classicSigma(oneRelease, 1.0));

    PrivacyBudget target = PrivacyBudget.approximate(3, 1e-5);
    NoiseCalibration.Result calibrated =
        NoiseCalibration.dpSgdNoiseMultiplier(target, samplingRate, 10_000, PldAccountant::new);
    double check =
        new PldAccountant()
            .compose(
                new GaussianEvent(calibrated.noiseMultiplier())
                    .poissonSampled(samplingRate)
                    .repeated(10_000))
            .epsilon(target.delta());
    System.out.printf(
        "DP-SGD noise multiplier for %s over 10,000 steps: %.4f (re-accounted epsilon %.4f)%n",
        target, calibrated.noiseMultiplier(), check);
    if (check > target.epsilon()) {
      throw new IllegalStateException("calibration exceeded its target: " + check);
    }
  }
}

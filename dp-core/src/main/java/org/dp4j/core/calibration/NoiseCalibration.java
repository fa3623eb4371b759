package org.dp4j.core.calibration;

import java.util.function.DoubleFunction;
import java.util.function.Supplier;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;

/**
 * Finds the smallest noise multiplier whose privacy, as reported by a given accountant, meets a
 * target epsilon at a target delta.
 *
 * <p>The search assumes epsilon decreases as the noise multiplier grows (true of every event family
 * here). It brackets the answer by doubling or halving from 1, then narrows the bracket with the
 * Illinois variant of regula falsi on {@code log ε} against {@code log σ} (Dowell &amp; Jarratt
 * 1971), falling back to bisection where epsilon is infinite. It stops once the bracket is narrower
 * than {@link #DEFAULT_RELATIVE_TOLERANCE} relative and returns its <em>upper</em> end, whose
 * epsilon was computed and is at most the target: the result, re-accounted with a fresh accountant
 * of the same kind, never exceeds the target.
 *
 * <p>Thread-safety follows the supplier: each evaluation uses a fresh accountant from it.
 */
public final class NoiseCalibration {

  /** Relative width of the final bracket on the noise multiplier: 1e-4. */
  public static final double DEFAULT_RELATIVE_TOLERANCE = 1e-4;

  /** Largest noise multiplier tried before the target is declared unreachable. */
  public static final double MAX_NOISE_MULTIPLIER = 1e6;

  /** Smallest noise multiplier tried; a target met even there returns this value. */
  public static final double MIN_NOISE_MULTIPLIER = 1e-6;

  private static final int MAX_REFINEMENTS = 200;

  private NoiseCalibration() {}

  /**
   * A calibrated noise multiplier.
   *
   * @param noiseMultiplier the smallest multiplier found (upper end of the final bracket)
   * @param epsilon the epsilon the accountant reports at it, {@code <=} the target epsilon
   * @param evaluations how many accountant evaluations the search used
   */
  public record Result(double noiseMultiplier, double epsilon, int evaluations) {}

  /**
   * The DP-SGD noise multiplier: {@code steps} repetitions of the Poisson-subsampled Gaussian
   * mechanism with the given sampling rate, the event {@code new GaussianEvent(sigma)
   * .poissonSampled(samplingRate).repeated(steps)}.
   *
   * @param target target (epsilon, delta); epsilon must be positive
   * @param samplingRate Poisson sampling rate, in {@code (0, 1]}
   * @param steps number of steps, {@code >= 1}
   * @param accountants fresh accountants of the kind to calibrate with (for example {@code
   *     RdpAccountant::new})
   * @return the calibrated multiplier and its epsilon
   */
  public static Result dpSgdNoiseMultiplier(
      PrivacyBudget target,
      double samplingRate,
      long steps,
      Supplier<? extends PrivacyAccountant> accountants) {
    Checks.samplingRate("samplingRate", samplingRate);
    Checks.positive("steps", steps);
    return noiseMultiplier(
        target,
        sigma -> new GaussianEvent(sigma).poissonSampled(samplingRate).repeated(steps),
        accountants,
        DEFAULT_RELATIVE_TOLERANCE);
  }

  /**
   * The smallest noise multiplier {@code σ} such that the event {@code events.apply(σ)} meets the
   * target, as reported by accountants from {@code accountants}.
   *
   * @param target target (epsilon, delta); epsilon must be positive
   * @param events the event family, decreasing in privacy loss as σ grows
   * @param accountants fresh accountants
   * @param relativeTolerance final bracket width relative to σ, in {@code (0, 0.5]}
   * @return the calibrated multiplier and its epsilon
   * @throws IllegalArgumentException when even {@link #MAX_NOISE_MULTIPLIER} does not meet the
   *     target
   */
  public static Result noiseMultiplier(
      PrivacyBudget target,
      DoubleFunction<? extends PrivacyEvent> events,
      Supplier<? extends PrivacyAccountant> accountants,
      double relativeTolerance) {
    Checks.notNull("target", target);
    Checks.require(target.epsilon() > 0, "target.epsilon", "positive", target.epsilon());
    Checks.notNull("events", events);
    Checks.notNull("accountants", accountants);
    Checks.require(
        relativeTolerance > 0 && relativeTolerance <= 0.5,
        "relativeTolerance",
        "in (0, 0.5]",
        relativeTolerance);
    Search search = new Search(target, events, accountants);

    double hi = 1.0;
    double epsHi = search.epsilon(hi);
    double lo;
    double epsLo;
    if (epsHi <= target.epsilon()) {
      lo = hi;
      epsLo = epsHi;
      do {
        hi = lo;
        epsHi = epsLo;
        if (hi <= MIN_NOISE_MULTIPLIER) {
          return new Result(hi, epsHi, search.evaluations);
        }
        lo = hi / 2;
        epsLo = search.epsilon(lo);
      } while (epsLo <= target.epsilon());
    } else {
      do {
        lo = hi;
        epsLo = epsHi;
        hi = lo * 2;
        if (hi > MAX_NOISE_MULTIPLIER) {
          throw new IllegalArgumentException(
              "target.epsilon "
                  + target.epsilon()
                  + " is not reachable with a noise multiplier up to "
                  + MAX_NOISE_MULTIPLIER
                  + " (epsilon there: "
                  + epsLo
                  + ")");
        }
        epsHi = search.epsilon(hi);
      } while (epsHi > target.epsilon());
    }

    // Invariant: epsilon(lo) > target >= epsilon(hi). Illinois regula falsi in log-log space.
    double logTarget = Math.log(target.epsilon());
    double fLo = Math.log(epsLo) - logTarget; // > 0, possibly +inf
    double fHi = epsHi > 0 ? Math.log(epsHi) - logTarget : Double.NEGATIVE_INFINITY; // <= 0
    int retainedSide = 0;
    for (int i = 0; i < MAX_REFINEMENTS && hi - lo > relativeTolerance * hi; i++) {
      double xLo = Math.log(lo);
      double xHi = Math.log(hi);
      double x;
      if (Double.isInfinite(fLo) || Double.isInfinite(fHi)) {
        x = 0.5 * (xLo + xHi);
      } else {
        x = xHi - fHi * (xHi - xLo) / (fHi - fLo);
        double margin = 0.01 * (xHi - xLo); // keep the probe strictly inside the bracket
        x = Math.min(Math.max(x, xLo + margin), xHi - margin);
      }
      double mid = Math.exp(x);
      double epsMid = search.epsilon(mid);
      double fMid = epsMid > 0 ? Math.log(epsMid) - logTarget : Double.NEGATIVE_INFINITY;
      if (epsMid <= target.epsilon()) {
        hi = mid;
        epsHi = epsMid;
        fHi = fMid;
        if (retainedSide == -1) {
          fLo /= 2; // Illinois: halve the stale end's value so the next probe moves it
        }
        retainedSide = -1;
      } else {
        lo = mid;
        fLo = fMid;
        if (retainedSide == 1) {
          fHi /= 2;
        }
        retainedSide = 1;
      }
    }
    return new Result(hi, epsHi, search.evaluations);
  }

  /** Counts evaluations; each uses a fresh accountant. */
  private static final class Search {
    private final PrivacyBudget target;
    private final DoubleFunction<? extends PrivacyEvent> events;
    private final Supplier<? extends PrivacyAccountant> accountants;
    private int evaluations;

    Search(
        PrivacyBudget target,
        DoubleFunction<? extends PrivacyEvent> events,
        Supplier<? extends PrivacyAccountant> accountants) {
      this.target = target;
      this.events = events;
      this.accountants = accountants;
    }

    double epsilon(double noiseMultiplier) {
      evaluations++;
      PrivacyAccountant accountant = Checks.notNull("accountants.get()", accountants.get());
      accountant.compose(events.apply(noiseMultiplier));
      return accountant.epsilon(target.delta());
    }
  }
}

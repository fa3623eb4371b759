package org.dp4j.training.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.dp4j.core.internal.Checks;

/**
 * Turns an audited run's canary scores into bounds: every rule of the {@link GuessPlan} is
 * evaluated at the plan's per-rule significance (a union bound over the rules), and the best is
 * reported.
 *
 * <ul>
 *   <li>the (epsilon, delta) lower bound of Steinke, Nasr &amp; Jagielski 2023 ({@link
 *       OneRunEpsilonBound}) at the claim's delta: rigorous, compared with the claimed epsilon;
 *   <li>optionally, the f-DP analysis of Mahloujifar, Melis &amp; Chaudhuri 2025 ({@link
 *       OneRunFdpTest}): a test of the claimed trade-off curve, and the smallest noise multiplier
 *       whose DP-SGD curve (same sampling rate and steps) the counts reject, found by bisection on
 *       its logarithm. Reported separately: reading both results doubles the chance of a false
 *       alarm, to at most twice one minus the confidence.
 * </ul>
 */
public final class OneRunAudit {

  /** The f-DP search stops when the bracket of noise multipliers is this narrow (relative). */
  private static final double NOISE_MULTIPLIER_TOLERANCE = 0.01;

  /** The f-DP search covers noise multipliers within this factor of the run's. */
  private static final double NOISE_MULTIPLIER_RANGE = 64;

  private OneRunAudit() {}

  /**
   * The audit's result.
   *
   * @param kind the canaries' kind
   * @param scores the canaries' scores and inclusion
   * @param claim what the run claims
   * @param plan the guess rules, fixed before the scores were seen
   * @param confidence in {@code (0, 1)}
   * @param withFdp whether to run the f-DP analysis (a few seconds: it builds trade-off curves with
   *     the claim's accountant)
   * @param understatedNoiseFactor the deliberate fault the run was trained with, or empty
   * @return the result
   * @throws IllegalArgumentException when a rule makes more guesses than there are canaries, or for
   *     a bad confidence
   */
  public static AuditResult evaluate(
      CanaryKind kind,
      CanaryScores scores,
      ClaimedPrivacy claim,
      GuessPlan plan,
      double confidence,
      boolean withFdp,
      OptionalDouble understatedNoiseFactor) {
    Checks.notNull("kind", kind);
    Checks.notNull("scores", scores);
    Checks.notNull("claim", claim);
    Checks.notNull("plan", plan);
    Checks.notNull("understatedNoiseFactor", understatedNoiseFactor);
    double significance = plan.significancePerRule(confidence);
    Checks.require(
        plan.largestGuessCount() <= scores.canaries(),
        "plan",
        "rules with at most " + scores.canaries() + " guesses (the canaries)",
        plan);
    List<GuessCounts> counts = new ArrayList<>();
    GuessRule bestRule = plan.rules().get(0);
    GuessCounts bestCounts = null;
    double best = -1;
    for (GuessRule rule : plan.rules()) {
      GuessCounts c = scores.guess(rule);
      counts.add(c);
      double bound = OneRunEpsilonBound.lowerBound(c, claim.delta(), significance);
      if (bound > best) {
        best = bound;
        bestRule = rule;
        bestCounts = c;
      }
    }
    Optional<FdpFinding> fdp = withFdp ? fdpFinding(claim, counts, significance) : Optional.empty();
    return new AuditResult(
        kind,
        claim,
        confidence,
        scores,
        plan,
        bestRule,
        bestCounts,
        best,
        fdp,
        understatedNoiseFactor);
  }

  private static Optional<FdpFinding> fdpFinding(
      ClaimedPrivacy claim, List<GuessCounts> counts, double significance) {
    double z = claim.noiseMultiplier();
    if (!(z > 0) || claim.curveAtNoiseMultiplier(z).isEmpty()) {
      return Optional.empty();
    }
    boolean claimRejected = anyRejects(counts, claim.curve(), significance);
    // Rejection is monotone in the multiplier: a larger one is a more private, stricter curve.
    double rejected;
    double notRejected;
    if (claimRejected) {
      rejected = z;
      notRejected = z / NOISE_MULTIPLIER_RANGE;
      if (rejectsAt(claim, counts, significance, notRejected)) {
        return Optional.of(
            new FdpFinding(true, notRejected, claim.epsilonAtNoiseMultiplier(notRejected)));
      }
    } else {
      notRejected = z;
      rejected = z * NOISE_MULTIPLIER_RANGE;
      if (!rejectsAt(claim, counts, significance, rejected)) {
        return Optional.of(new FdpFinding(false, Double.POSITIVE_INFINITY, 0));
      }
    }
    while (rejected / notRejected > 1 + NOISE_MULTIPLIER_TOLERANCE) {
      double middle = Math.sqrt(rejected * notRejected);
      if (rejectsAt(claim, counts, significance, middle)) {
        rejected = middle;
      } else {
        notRejected = middle;
      }
    }
    return Optional.of(
        new FdpFinding(claimRejected, rejected, claim.epsilonAtNoiseMultiplier(rejected)));
  }

  private static boolean rejectsAt(
      ClaimedPrivacy claim, List<GuessCounts> counts, double significance, double z) {
    return anyRejects(counts, claim.curveAtNoiseMultiplier(z).orElseThrow(), significance);
  }

  private static boolean anyRejects(
      List<GuessCounts> counts, TradeOffFunction curve, double significance) {
    for (GuessCounts c : counts) {
      if (OneRunFdpTest.rejects(c, curve, significance)) {
        return true;
      }
    }
    return false;
  }
}

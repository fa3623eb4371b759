package org.dp4j.training.audit;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import org.dp4j.core.internal.Checks;

/**
 * The outcome of a one-run privacy audit: what the run claims, what the canaries prove, and the
 * counts behind it.
 *
 * <p>{@link #epsilonLowerBound()} is rigorous at {@link #confidence()}: with probability at least
 * the confidence over the canaries' inclusion and the run's randomness, a run that is (epsilon,
 * delta)-DP for each canary gives a bound at most epsilon. A bound above the claim therefore proves
 * (at that confidence) that the run leaks more than its statement says: a privacy bug. A bound
 * below the claim proves nothing about the claim's correctness; it is a lower bound for this
 * auditor's setting (its canaries, its scores), not for the data in general.
 *
 * @param kind the canaries
 * @param claim what the run claims
 * @param confidence the confidence of every bound, in {@code (0, 1)}
 * @param scores the canaries' scores and inclusion
 * @param plan the guess rules the audit could choose among (fixed before the scores were seen)
 * @param rule the rule that gave the best (epsilon, delta) bound
 * @param counts the guesses of that rule
 * @param epsilonLowerBound the (epsilon, delta) lower bound at the claim's delta (Steinke, Nasr
 *     &amp; Jagielski 2023), {@code >= 0}
 * @param fdp the f-DP analysis, when it was run
 * @param understatedNoiseFactor the factor by which the run's noise was deliberately understated (a
 *     demonstration of a broken run), or empty for a run as configured
 */
public record AuditResult(
    CanaryKind kind,
    ClaimedPrivacy claim,
    double confidence,
    CanaryScores scores,
    GuessPlan plan,
    GuessRule rule,
    GuessCounts counts,
    double epsilonLowerBound,
    Optional<FdpFinding> fdp,
    OptionalDouble understatedNoiseFactor) {

  /**
   * Checks the fields.
   *
   * @param kind the canaries, not null
   * @param claim what the run claims, not null
   * @param confidence in {@code (0, 1)}
   * @param scores the canaries' scores and inclusion, not null
   * @param plan the guess rules, not null
   * @param rule the rule that gave the best bound, not null
   * @param counts the guesses of that rule, not null
   * @param epsilonLowerBound {@code >= 0}
   * @param fdp the f-DP analysis or empty, not null
   * @param understatedNoiseFactor the fault's factor or empty, not null
   */
  public AuditResult {
    Checks.notNull("kind", kind);
    Checks.notNull("claim", claim);
    Checks.require(confidence > 0 && confidence < 1, "confidence", "in (0, 1)", confidence);
    Checks.notNull("scores", scores);
    Checks.notNull("plan", plan);
    Checks.notNull("rule", rule);
    Checks.notNull("counts", counts);
    Checks.nonNegative("epsilonLowerBound", epsilonLowerBound);
    Checks.notNull("fdp", fdp);
    Checks.notNull("understatedNoiseFactor", understatedNoiseFactor);
  }

  /** {@return the claimed epsilon at the claim's delta} */
  public double claimedEpsilon() {
    return claim.epsilon();
  }

  /** {@return the delta of the claim and of the bound} */
  public double delta() {
    return claim.delta();
  }

  /** {@return the number of canaries {@code m}} */
  public int canaries() {
    return scores.canaries();
  }

  /**
   * {@return whether the (epsilon, delta) lower bound exceeds the claimed epsilon: a proven privacy
   * bug}
   */
  public boolean exceedsClaim() {
    return epsilonLowerBound > claim.epsilon();
  }

  /** {@return the lower bound over the claim; above 1 proves a bug} */
  public double ratioToClaim() {
    return epsilonLowerBound / claim.epsilon();
  }

  /** {@return a few lines for a person: the claim, the bound, the counts and the verdict} */
  public String summary() {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "claimed epsilon: %.4g at delta %.3g (%d steps, noise multiplier %.4g)%n",
            claimedEpsilon(),
            delta(),
            claim.steps(),
            claim.noiseMultiplier()));
    s.append(
        String.format(
            Locale.ROOT,
            "audited lower bound: %.4g at %.4g%% confidence (%s canaries: %d, %d included;"
                + " %d of %d guesses correct, %d top and %d bottom scores, best of %d rules)%n",
            epsilonLowerBound,
            100 * confidence,
            kind.name().toLowerCase(Locale.ROOT),
            canaries(),
            scores.includedCount(),
            counts.correct(),
            counts.guesses(),
            rule.top(),
            rule.bottom(),
            plan.rules().size()));
    fdp.ifPresent(
        f ->
            s.append(
                String.format(
                    Locale.ROOT,
                    "f-DP analysis: claimed trade-off curve %s; less private than DP-SGD with noise"
                        + " multiplier %.4g (epsilon %.4g within the DP-SGD family, not a general"
                        + " bound)%n",
                    f.rejectsClaimedCurve() ? "REJECTED" : "not rejected",
                    f.noiseMultiplierBound(),
                    f.epsilonWithinDpSgd())));
    s.append(
        exceedsClaim()
            ? "verdict: the lower bound EXCEEDS the claim: the run leaks more than its privacy"
                + " statement says (a privacy bug, at this confidence)"
            : "verdict: no violation found (the bound is below the claim; this is a lower bound"
                + " for this audit's canaries, not a proof that the claim is tight or correct)");
    return s.toString();
  }
}

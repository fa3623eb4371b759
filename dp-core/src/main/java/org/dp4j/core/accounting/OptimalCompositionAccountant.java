package org.dp4j.core.accounting;

import java.util.Optional;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.AbstractAccountant;
import org.dp4j.core.internal.Checks;
import org.dp4j.core.internal.LogMath;

/**
 * The exact optimal composition of k identical (ε0, δ0)-DP mechanisms (Kairouz, Oh &amp; Viswanath
 * 2015, "The composition theorem for differential privacy", Theorem 3.3): the tightest guarantee
 * that holds for <em>every</em> such mechanism, attained by k-fold randomized response.
 *
 * <p>For any ε ≥ 0 the composition is (ε, δ)-DP with
 *
 * <pre>
 * δ = 1 − (1 − δ0)^k (1 − δ_RR(ε)),
 * δ_RR(ε) = Σ_{l=0}^{k} C(k, l) [e^{(k−l)ε0} − e^{ε + lε0}]₊ / (1 + e^{ε0})^k,
 * </pre>
 *
 * the hockey-stick divergence of k-fold randomized response (Murtagh &amp; Vadhan 2016, "The
 * complexity of computing the optimal composition of differential privacy", Lemma 3.2 and Theorem
 * 1.5 form). The sum is taken in log space; ε for a given δ is found by bisection and the upper end
 * returned. Cost O(k) per evaluation.
 *
 * <p>All composed events must reduce (as in {@link BasicCompositionAccountant}) to one and the same
 * (ε0, δ0); a different guarantee is rejected with a pointer to {@link
 * AdvancedCompositionAccountant}. Not thread-safe.
 */
public final class OptimalCompositionAccountant
    extends AbstractAccountant<OptimalCompositionAccountant> {

  /**
   * Relative allowance on δ_RR for the rounding of the log-space sum (k terms, each with ~1e-15
   * relative error), so reported deltas stay upper bounds.
   */
  private static final double RELATIVE_SLACK = 1e-10;

  private boolean hasMechanism;
  private double epsilon0;
  private double delta0;
  private long count;

  /** An empty accountant under {@link NeighbouringRelation#ADD_OR_REMOVE_ONE}. */
  public OptimalCompositionAccountant() {
    this(NeighbouringRelation.ADD_OR_REMOVE_ONE);
  }

  /**
   * An empty accountant under the given relation.
   *
   * @param relation the relation it states its guarantee under, not null
   */
  public OptimalCompositionAccountant(NeighbouringRelation relation) {
    super(relation);
  }

  private OptimalCompositionAccountant(OptimalCompositionAccountant other) {
    super(other);
    this.hasMechanism = other.hasMechanism;
    this.epsilon0 = other.epsilon0;
    this.delta0 = other.delta0;
    this.count = other.count;
  }

  @Override
  protected Optional<String> unsupportedPart(PrivacyEvent resolved) {
    Optional<String> reason = EpsilonDeltaTerms.unsupportedReason(resolved, relation());
    if (reason.isPresent()) {
      return reason;
    }
    boolean seen = hasMechanism;
    double eps = epsilon0;
    double delta = delta0;
    for (EpsilonDeltaTerms.Term t : EpsilonDeltaTerms.terms(resolved, relation())) {
      if (!seen) {
        seen = true;
        eps = t.epsilon();
        delta = t.delta();
      } else if (t.epsilon() != eps || t.delta() != delta) {
        return Optional.of(
            "optimal composition is for identical mechanisms: already composing ("
                + eps
                + ", "
                + delta
                + ")-DP, got ("
                + t.epsilon()
                + ", "
                + t.delta()
                + ")-DP; use AdvancedCompositionAccountant for mixed guarantees");
      }
    }
    return Optional.empty();
  }

  @Override
  protected void add(PrivacyEvent resolved) {
    long total = count;
    for (EpsilonDeltaTerms.Term t : EpsilonDeltaTerms.terms(resolved, relation())) {
      epsilon0 = t.epsilon();
      delta0 = t.delta();
      hasMechanism = true;
      total = Math.addExact(total, t.count());
    }
    count = total;
  }

  /** {@return the number of identical mechanisms composed so far} */
  public long count() {
    return count;
  }

  @Override
  public double epsilon(double delta) {
    Checks.delta("delta", delta);
    if (count == 0) {
      return 0.0;
    }
    if (epsilon0 == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    // delta >= 1 - (1 - delta0)^k (1 - deltaRR)  <=>  deltaRR <= 1 - (1 - delta)/(1 - delta0)^k
    double logSurvivors = count * Math.log1p(-delta0);
    double rrTarget = -Math.expm1(Math.log1p(-delta) - logSurvivors);
    if (rrTarget < 0) {
      return Double.POSITIVE_INFINITY;
    }
    if (rrTarget == 0) {
      return Math.nextUp(count * epsilon0); // only delta_RR(eps) = 0 will do: eps >= k * eps0
    }
    if (randomizedResponseDelta(0.0) <= rrTarget) {
      return 0.0;
    }
    double lo = 0.0;
    double hi = Math.nextUp(count * epsilon0); // delta_RR(k * eps0) = 0
    while (true) {
      double mid = lo + 0.5 * (hi - lo);
      if (mid <= lo || mid >= hi) {
        return hi;
      }
      if (randomizedResponseDelta(mid) <= rrTarget) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
  }

  @Override
  public double delta(double epsilon) {
    Checks.nonNegativeFinite("epsilon", epsilon);
    if (count == 0) {
      return 0.0;
    }
    if (epsilon0 == Double.POSITIVE_INFINITY) {
      return 1.0;
    }
    double logSurvivors = count * Math.log1p(-delta0);
    double rr = randomizedResponseDelta(epsilon);
    return Math.min(1.0, -Math.expm1(logSurvivors + Math.log1p(-rr)));
  }

  /** δ_RR(ε) for the current (ε0, k), with the rounding allowance added. */
  private double randomizedResponseDelta(double epsilon) {
    double logNormaliser = count * LogMath.logAddExp(0.0, epsilon0);
    double logSum = Double.NEGATIVE_INFINITY;
    double logBinomial = 0.0; // log C(k, 0)
    for (long l = 0; l <= count; l++) {
      double gap = (count - 2 * l) * epsilon0 - epsilon; // (k-l)eps0 - (eps + l eps0)
      if (!(gap > 0)) {
        break;
      }
      double logTerm = logBinomial + (count - l) * epsilon0 + LogMath.log1mExp(-gap);
      logSum = LogMath.logAddExp(logSum, logTerm);
      logBinomial += Math.log((double) (count - l) / (l + 1));
    }
    double value = Math.exp(logSum - logNormaliser);
    return Math.min(1.0, value * (1 + RELATIVE_SLACK));
  }

  @Override
  public OptimalCompositionAccountant copy() {
    return new OptimalCompositionAccountant(this);
  }
}

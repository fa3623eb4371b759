package org.dp4j.core.accounting;

import java.util.Optional;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.AbstractAccountant;
import org.dp4j.core.internal.Checks;

/**
 * Advanced composition (Dwork, Rothblum &amp; Vadhan 2010, "Boosting and differential privacy",
 * Theorem III.3; Dwork &amp; Roth 2014, Theorem 3.20), in its heterogeneous form: mechanisms that
 * are (ε_i, δ_i)-DP compose, for every δ' &gt; 0, to
 *
 * <pre>( sqrt(2 ln(1/δ') Σε_i²) + Σ ε_i (e^{ε_i} − 1),  δ' + Σδ_i )-DP</pre>
 *
 * (the same Azuma argument with per-step ranges ε_i). The reported epsilon is the smaller of this
 * and basic composition ({@link BasicCompositionAccountant}), both valid at the given total delta.
 *
 * <p>Supports the same events as {@link BasicCompositionAccountant}. Not thread-safe.
 */
public final class AdvancedCompositionAccountant
    extends AbstractAccountant<AdvancedCompositionAccountant> {

  private EpsilonDeltaSums sums = EpsilonDeltaSums.EMPTY;

  /** An empty accountant under {@link NeighbouringRelation#ADD_OR_REMOVE_ONE}. */
  public AdvancedCompositionAccountant() {
    this(NeighbouringRelation.ADD_OR_REMOVE_ONE);
  }

  /**
   * An empty accountant under the given relation.
   *
   * @param relation the relation it states its guarantee under, not null
   */
  public AdvancedCompositionAccountant(NeighbouringRelation relation) {
    super(relation);
  }

  private AdvancedCompositionAccountant(AdvancedCompositionAccountant other) {
    super(other);
    this.sums = other.sums;
  }

  @Override
  protected Optional<String> unsupportedPart(PrivacyEvent resolved) {
    return EpsilonDeltaTerms.unsupportedReason(resolved, relation());
  }

  @Override
  protected void add(PrivacyEvent resolved) {
    sums = sums.plus(EpsilonDeltaTerms.terms(resolved, relation()));
  }

  @Override
  public double epsilon(double delta) {
    Checks.delta("delta", delta);
    if (delta < sums.delta()) {
      return Double.POSITIVE_INFINITY;
    }
    double basic = sums.epsilon();
    double slack = delta - sums.delta();
    double advanced =
        slack > 0
            ? Math.sqrt(2 * Math.log(1 / slack) * sums.epsilonSquared()) + sums.expectedLoss()
            : Double.POSITIVE_INFINITY;
    double best = Math.min(basic, advanced);
    return best == 0 || Double.isNaN(best) ? Math.max(0, best) : Math.nextUp(best);
  }

  @Override
  public double delta(double epsilon) {
    Checks.nonNegativeFinite("epsilon", epsilon);
    if (epsilon >= sums.epsilon()) {
      return Math.min(1.0, sums.delta());
    }
    if (epsilon <= sums.expectedLoss() || sums.epsilonSquared() == 0) {
      return 1.0;
    }
    double excess = epsilon - sums.expectedLoss();
    double slack = Math.exp(-excess * excess / (2 * sums.epsilonSquared()));
    return Math.min(1.0, Math.nextUp(sums.delta() + slack));
  }

  @Override
  public AdvancedCompositionAccountant copy() {
    return new AdvancedCompositionAccountant(this);
  }
}

package org.dp4j.core.accounting;

import java.util.List;
import java.util.Optional;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.core.internal.EventLog;

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
public final class AdvancedCompositionAccountant implements PrivacyAccountant {

  private final NeighbouringRelation relation;
  private final EventLog log;
  private double epsilonSum;
  private double epsilonSquaredSum;
  private double expectedLossSum;
  private double deltaSum;

  /** An empty accountant under {@link NeighbouringRelation#ADD_OR_REMOVE_ONE}. */
  public AdvancedCompositionAccountant() {
    this(NeighbouringRelation.ADD_OR_REMOVE_ONE);
  }

  /** An empty accountant under the given relation. */
  public AdvancedCompositionAccountant(NeighbouringRelation relation) {
    this.relation = Checks.notNull("relation", relation);
    this.log = new EventLog();
  }

  private AdvancedCompositionAccountant(AdvancedCompositionAccountant other) {
    this.relation = other.relation;
    this.log = other.log.copy();
    this.epsilonSum = other.epsilonSum;
    this.epsilonSquaredSum = other.epsilonSquaredSum;
    this.expectedLossSum = other.expectedLossSum;
    this.deltaSum = other.deltaSum;
  }

  @Override
  public NeighbouringRelation relation() {
    return relation;
  }

  @Override
  public Optional<String> unsupportedReason(PrivacyEvent event) {
    Checks.notNull("event", event);
    return EpsilonDeltaTerms.unsupportedReason(event, relation);
  }

  @Override
  public AdvancedCompositionAccountant compose(PrivacyEvent event) {
    Optional<String> reason = unsupportedReason(event);
    if (reason.isPresent()) {
      throw new UnsupportedEventException("AdvancedCompositionAccountant", event, reason.get());
    }
    double eps = epsilonSum;
    double eps2 = epsilonSquaredSum;
    double loss = expectedLossSum;
    double delta = deltaSum;
    for (EpsilonDeltaTerms.Term t : EpsilonDeltaTerms.terms(event, relation)) {
      double e = t.epsilon();
      eps += e * t.count();
      eps2 += e * e * t.count();
      loss += e * Math.expm1(e) * t.count();
      delta += t.delta() * t.count();
    }
    epsilonSum = eps;
    epsilonSquaredSum = eps2;
    expectedLossSum = loss;
    deltaSum = delta;
    log.add(event);
    return this;
  }

  @Override
  public double epsilon(double delta) {
    Checks.delta("delta", delta);
    if (delta < deltaSum) {
      return Double.POSITIVE_INFINITY;
    }
    double basic = epsilonSum;
    double slack = delta - deltaSum;
    double advanced = slack > 0
        ? Math.sqrt(2 * Math.log(1 / slack) * epsilonSquaredSum) + expectedLossSum
        : Double.POSITIVE_INFINITY;
    double best = Math.min(basic, advanced);
    return best == 0 || Double.isNaN(best) ? Math.max(0, best) : Math.nextUp(best);
  }

  @Override
  public double delta(double epsilon) {
    Checks.nonNegativeFinite("epsilon", epsilon);
    if (epsilon >= epsilonSum) {
      return Math.min(1.0, deltaSum);
    }
    if (epsilon <= expectedLossSum || epsilonSquaredSum == 0) {
      return 1.0;
    }
    double excess = epsilon - expectedLossSum;
    double slack = Math.exp(-excess * excess / (2 * epsilonSquaredSum));
    return Math.min(1.0, Math.nextUp(deltaSum + slack));
  }

  @Override
  public List<PrivacyEvent> events() {
    return log.snapshot();
  }

  @Override
  public AdvancedCompositionAccountant copy() {
    return new AdvancedCompositionAccountant(this);
  }
}

package org.dp4j.core.accounting;

import java.util.Optional;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.AbstractAccountant;
import org.dp4j.core.internal.Checks;

/**
 * Basic composition: k mechanisms that are (ε_i, δ_i)-DP compose to (Σε_i, Σδ_i)-DP (Dwork,
 * Kenthapadi, McSherry, Mironov &amp; Naor 2006; Dwork &amp; Roth 2014, Theorem 3.16).
 *
 * <p>Supports {@link org.dp4j.core.event.EpsilonDeltaEvent}, {@link
 * org.dp4j.core.event.LaplaceEvent} (pure {@code 1/b}-DP, doubled under {@link
 * NeighbouringRelation#REPLACE_ONE}), Poisson-subsampled versions of those (amplification of Balle,
 * Barthe &amp; Gaboardi 2018, add/remove only) and compositions of them. Gaussian and zCDP events
 * have no single (ε, δ) and are rejected. Loose for many mechanisms; the guarantee it states holds
 * for any adaptive composition. Not thread-safe.
 */
public final class BasicCompositionAccountant
    extends AbstractAccountant<BasicCompositionAccountant> {

  private EpsilonDeltaSums sums = EpsilonDeltaSums.EMPTY;

  /** An empty accountant under {@link NeighbouringRelation#ADD_OR_REMOVE_ONE}. */
  public BasicCompositionAccountant() {
    this(NeighbouringRelation.ADD_OR_REMOVE_ONE);
  }

  /**
   * An empty accountant under the given relation.
   *
   * @param relation the relation it states its guarantee under, not null
   */
  public BasicCompositionAccountant(NeighbouringRelation relation) {
    super(relation);
  }

  private BasicCompositionAccountant(BasicCompositionAccountant other) {
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

  /**
   * @return {@code Σε_i} when {@code delta >= Σδ_i}, otherwise {@code +Infinity}
   */
  @Override
  public double epsilon(double delta) {
    Checks.delta("delta", delta);
    if (delta < sums.delta()) {
      return Double.POSITIVE_INFINITY;
    }
    return sums.epsilon() == 0 ? 0 : Math.nextUp(sums.epsilon());
  }

  /**
   * @return {@code Σδ_i} when {@code epsilon >= Σε_i}, otherwise 1
   */
  @Override
  public double delta(double epsilon) {
    Checks.nonNegativeFinite("epsilon", epsilon);
    double deltaSum = sums.delta();
    return epsilon >= sums.epsilon()
        ? Math.min(1.0, deltaSum == 0 ? 0 : Math.nextUp(deltaSum))
        : 1.0;
  }

  @Override
  public BasicCompositionAccountant copy() {
    return new BasicCompositionAccountant(this);
  }
}

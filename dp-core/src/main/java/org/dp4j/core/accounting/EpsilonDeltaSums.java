package org.dp4j.core.accounting;

import java.util.List;

/**
 * Running sums over composed (ε_i, δ_i) guarantees, each counted with its multiplicity: Σε_i,
 * Σε_i², Σε_i(e^{ε_i} − 1) (the expected privacy loss bound of Dwork, Rothblum &amp; Vadhan 2010)
 * and Σδ_i. Immutable.
 */
record EpsilonDeltaSums(double epsilon, double epsilonSquared, double expectedLoss, double delta) {

  static final EpsilonDeltaSums EMPTY = new EpsilonDeltaSums(0, 0, 0, 0);

  /** These sums plus the given terms. */
  EpsilonDeltaSums plus(List<EpsilonDeltaTerms.Term> terms) {
    double eps = epsilon;
    double eps2 = epsilonSquared;
    double loss = expectedLoss;
    double d = delta;
    for (EpsilonDeltaTerms.Term t : terms) {
      double e = t.epsilon();
      eps += e * t.count();
      eps2 += e * e * t.count();
      loss += e * Math.expm1(e) * t.count();
      d += t.delta() * t.count();
    }
    return new EpsilonDeltaSums(eps, eps2, loss, d);
  }
}

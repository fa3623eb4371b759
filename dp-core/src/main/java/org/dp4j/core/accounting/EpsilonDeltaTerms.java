package org.dp4j.core.accounting;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.dp4j.core.event.ZcdpEvent;
import org.dp4j.core.internal.CompositionWalk;
import org.dp4j.core.internal.ReasonFold;
import org.dp4j.core.internal.RelationResolution;

/**
 * Reduces an event tree to (epsilon, delta) guarantees repeated {@code count} times, for the
 * composition theorems that work on such guarantees.
 *
 * <ul>
 *   <li>{@link EpsilonDeltaEvent}: as stated.
 *   <li>{@link LaplaceEvent} with multiplier b: pure {@code (factor/b)}-DP, where factor is the
 *       relation's sum-sensitivity factor (Dwork, McSherry, Nissim &amp; Smith 2006).
 *   <li>{@link PoissonSampledEvent} (add/remove only): the inner event, reduced by basic
 *       composition to (ε, δ), becomes {@code (log(1 + q(e^ε − 1)), qδ)} (Balle, Barthe &amp;
 *       Gaboardi 2018, "Privacy amplification by subsampling", Theorem 8 with Poisson sampling).
 *   <li>{@link SelfComposedEvent}, {@link ComposedEvent}: flattened.
 *   <li>{@link org.dp4j.core.event.PerRelationEvent}: the branch for the relation, first rewritten
 *       by {@link RelationResolution} (so its Laplace multipliers are not rescaled).
 *   <li>{@link GaussianEvent}, {@link ZcdpEvent}: not single (ε, δ) guarantees; unsupported.
 * </ul>
 *
 * Both functions take events already resolved for the relation.
 */
final class EpsilonDeltaTerms {

  /** One guarantee and how many times it is composed. */
  record Term(double epsilon, double delta, long count) {}

  private EpsilonDeltaTerms() {}

  /** Why the resolved event cannot be reduced, or empty. */
  static Optional<String> unsupportedReason(PrivacyEvent event, NeighbouringRelation relation) {
    return new Reasons(relation).reason(event);
  }

  /** The terms of a supported, resolved event, each with its repetition count. */
  static List<Term> terms(PrivacyEvent event, NeighbouringRelation relation) {
    Terms terms = new Terms(relation);
    event.accept(terms, 1L);
    return terms.out;
  }

  private static final class Reasons extends ReasonFold {
    private final NeighbouringRelation relation;

    Reasons(NeighbouringRelation relation) {
      this.relation = relation;
    }

    @Override
    public Optional<String> gaussian(GaussianEvent event, Void none) {
      return Optional.of(
          "a Gaussian mechanism has no single (epsilon, delta) guarantee; use "
              + "RdpAccountant or PldAccountant, or state its guarantee as an EpsilonDeltaEvent");
    }

    @Override
    public Optional<String> laplace(LaplaceEvent event, Void none) {
      return Optional.empty();
    }

    @Override
    public Optional<String> epsilonDelta(EpsilonDeltaEvent event, Void none) {
      return Optional.empty();
    }

    @Override
    public Optional<String> zcdp(ZcdpEvent event, Void none) {
      return Optional.of("a zCDP guarantee needs ZcdpAccountant or RdpAccountant");
    }

    @Override
    public Optional<String> poissonSampled(PoissonSampledEvent event, Void none) {
      return relation != NeighbouringRelation.ADD_OR_REMOVE_ONE
          ? Optional.of(
              "amplification by Poisson subsampling is analysed under ADD_OR_REMOVE_ONE only")
          : reason(event.event());
    }
  }

  /** Collects the terms; the context is the multiplicity of the event visited. */
  private static final class Terms extends CompositionWalk<Long> {
    private final NeighbouringRelation relation;
    private final List<Term> out = new ArrayList<>();

    Terms(NeighbouringRelation relation) {
      this.relation = relation;
    }

    @Override
    protected Long repeatContext(Long count, long repetitions) {
      return Math.multiplyExact(count, repetitions);
    }

    @Override
    public Void epsilonDelta(EpsilonDeltaEvent event, Long count) {
      return add(event.epsilon(), event.delta(), count);
    }

    @Override
    public Void laplace(LaplaceEvent event, Long count) {
      double epsilon =
          event.noiseMultiplier() == 0
              ? Double.POSITIVE_INFINITY
              : relation.sumSensitivityFactor() / event.noiseMultiplier();
      return add(epsilon, 0.0, count);
    }

    @Override
    public Void poissonSampled(PoissonSampledEvent event, Long count) {
      EpsilonDeltaSums inner = EpsilonDeltaSums.EMPTY.plus(terms(event.event(), relation));
      double eps = inner.epsilon();
      double q = event.samplingRate();
      double amplified =
          eps == Double.POSITIVE_INFINITY ? eps : Math.nextUp(Math.log1p(q * Math.expm1(eps)));
      return add(amplified, Math.min(1.0, q * inner.delta()), count);
    }

    @Override
    public Void gaussian(GaussianEvent event, Long count) {
      throw unsupported(event);
    }

    @Override
    public Void zcdp(ZcdpEvent event, Long count) {
      throw unsupported(event);
    }

    private Void add(double epsilon, double delta, long count) {
      out.add(new Term(epsilon, delta, count));
      return null;
    }

    private static IllegalStateException unsupported(PrivacyEvent event) {
      return new IllegalStateException("unsupported event reached reduction: " + event);
    }
  }
}

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
 */
final class EpsilonDeltaTerms {

  /** One guarantee and how many times it is composed. */
  record Term(double epsilon, double delta, long count) {}

  private EpsilonDeltaTerms() {}

  /** Why the event cannot be reduced, or empty. */
  static Optional<String> unsupportedReason(PrivacyEvent event, NeighbouringRelation relation) {
    event = RelationResolution.resolve(event, relation);
    if (event instanceof EpsilonDeltaEvent || event instanceof LaplaceEvent) {
      return Optional.empty();
    }
    if (event instanceof GaussianEvent) {
      return Optional.of(
          "a Gaussian mechanism has no single (epsilon, delta) guarantee; use "
              + "RdpAccountant or PldAccountant, or state its guarantee as an EpsilonDeltaEvent");
    }
    if (event instanceof ZcdpEvent) {
      return Optional.of("a zCDP guarantee needs ZcdpAccountant or RdpAccountant");
    }
    if (event instanceof PoissonSampledEvent e) {
      return relation != NeighbouringRelation.ADD_OR_REMOVE_ONE
          ? Optional.of(
              "amplification by Poisson subsampling is analysed under ADD_OR_REMOVE_ONE only")
          : unsupportedReason(e.event(), relation);
    }
    if (event instanceof SelfComposedEvent e) {
      return unsupportedReason(e.event(), relation);
    }
    if (event instanceof ComposedEvent e) {
      return e.events().stream()
          .map(inner -> unsupportedReason(inner, relation))
          .flatMap(Optional::stream)
          .findFirst();
    }
    throw new AssertionError("unknown event type " + event.getClass());
  }

  /** The terms of a supported event, each with its repetition count. */
  static List<Term> terms(PrivacyEvent event, NeighbouringRelation relation) {
    List<Term> out = new ArrayList<>();
    collect(RelationResolution.resolve(event, relation), relation, 1, out);
    return out;
  }

  private static void collect(
      PrivacyEvent event, NeighbouringRelation relation, long count, List<Term> out) {
    if (event instanceof EpsilonDeltaEvent e) {
      out.add(new Term(e.epsilon(), e.delta(), count));
    } else if (event instanceof LaplaceEvent e) {
      out.add(new Term(laplaceEpsilon(e, relation), 0.0, count));
    } else if (event instanceof PoissonSampledEvent e) {
      double eps = 0;
      double delta = 0;
      for (Term t : terms(e.event(), relation)) {
        eps += t.epsilon() * t.count();
        delta += t.delta() * t.count();
      }
      double q = e.samplingRate();
      double amplified =
          eps == Double.POSITIVE_INFINITY ? eps : Math.nextUp(Math.log1p(q * Math.expm1(eps)));
      out.add(new Term(amplified, Math.min(1.0, q * delta), count));
    } else if (event instanceof SelfComposedEvent e) {
      collect(e.event(), relation, Math.multiplyExact(count, e.count()), out);
    } else if (event instanceof ComposedEvent e) {
      for (PrivacyEvent inner : e.events()) {
        collect(inner, relation, count, out);
      }
    } else {
      throw new IllegalStateException("unsupported event reached reduction: " + event);
    }
  }

  private static double laplaceEpsilon(LaplaceEvent e, NeighbouringRelation relation) {
    return e.noiseMultiplier() == 0
        ? Double.POSITIVE_INFINITY
        : relation.sumSensitivityFactor() / e.noiseMultiplier();
  }
}

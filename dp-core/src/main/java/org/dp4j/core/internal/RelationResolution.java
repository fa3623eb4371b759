package org.dp4j.core.internal;

import java.util.ArrayList;
import java.util.List;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.EventVisitor;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.dp4j.core.event.ZcdpEvent;

/**
 * Rewrites an event into the units an accountant under one relation reads natively, by replacing
 * every {@link PerRelationEvent} by its branch for that relation. Used by every accountant at its
 * entry points ({@code unsupportedReason}, {@code compose}); the accountant keeps the original
 * event in its log. Not public API.
 *
 * <p>Inside a branch, Gaussian and Laplace multipliers are stated relative to the sensitivity under
 * the branch's relation, while an accountant divides plain multipliers by {@link
 * NeighbouringRelation#sumSensitivityFactor()} {@code f}. So they are multiplied by {@code f} here
 * (by 2, exact in binary floating point; a product that overflows becomes {@code Double.MAX_VALUE},
 * a smaller and so more pessimistic multiplier), and the accountant's division gives back exactly
 * the stated value. (epsilon, delta) and zCDP guarantees are kept as they are.
 */
public final class RelationResolution {

  private static final Resolve RESOLVE = new Resolve();

  private static final InNativeUnits IN_NATIVE_UNITS = new InNativeUnits();

  private RelationResolution() {}

  /**
   * {@code event} with every {@link PerRelationEvent} replaced by its branch for {@code relation},
   * converted to the accountant's native units; {@code event} itself when it holds no per-relation
   * event.
   *
   * @param event the event, not null
   * @param relation the accountant's relation, not null
   * @return an equivalent event without {@link PerRelationEvent}
   */
  public static PrivacyEvent resolve(PrivacyEvent event, NeighbouringRelation relation) {
    Checks.notNull("event", event);
    Checks.notNull("relation", relation);
    return event.accept(RESOLVE, relation);
  }

  /**
   * A rewrite of events that rebuilds compositions from their rewritten parts, and returns an event
   * itself when none of its parts changed.
   */
  private abstract static class Rewrite<C> implements EventVisitor<PrivacyEvent, C> {

    @Override
    public final PrivacyEvent selfComposed(SelfComposedEvent event, C context) {
      PrivacyEvent inner = event.event().accept(this, context);
      return inner == event.event() ? event : new SelfComposedEvent(inner, event.count());
    }

    @Override
    public final PrivacyEvent composed(ComposedEvent event, C context) {
      List<PrivacyEvent> parts = new ArrayList<>(event.events().size());
      boolean changed = false;
      for (PrivacyEvent part : event.events()) {
        PrivacyEvent rewritten = part.accept(this, context);
        changed |= rewritten != part;
        parts.add(rewritten);
      }
      return changed ? new ComposedEvent(parts) : event;
    }
  }

  /** Replaces each per-relation event by its branch, in native units. */
  private static final class Resolve extends Rewrite<NeighbouringRelation> {

    @Override
    public PrivacyEvent gaussian(GaussianEvent event, NeighbouringRelation relation) {
      return event;
    }

    @Override
    public PrivacyEvent laplace(LaplaceEvent event, NeighbouringRelation relation) {
      return event;
    }

    @Override
    public PrivacyEvent epsilonDelta(EpsilonDeltaEvent event, NeighbouringRelation relation) {
      return event;
    }

    @Override
    public PrivacyEvent zcdp(ZcdpEvent event, NeighbouringRelation relation) {
      return event;
    }

    @Override
    public PrivacyEvent poissonSampled(PoissonSampledEvent event, NeighbouringRelation relation) {
      PrivacyEvent inner = event.event().accept(this, relation);
      return inner == event.event() ? event : new PoissonSampledEvent(event.samplingRate(), inner);
    }

    @Override
    public PrivacyEvent perRelation(PerRelationEvent event, NeighbouringRelation relation) {
      double factor = relation.sumSensitivityFactor();
      PrivacyEvent branch = event.branch(relation);
      return factor == 1.0 ? branch : branch.accept(IN_NATIVE_UNITS, factor);
    }
  }

  /** A branch (no sampling, no per-relation events) in the units of an accountant with factor f. */
  private static final class InNativeUnits extends Rewrite<Double> {

    @Override
    public PrivacyEvent gaussian(GaussianEvent event, Double factor) {
      return new GaussianEvent(scaled(event.noiseMultiplier(), factor));
    }

    @Override
    public PrivacyEvent laplace(LaplaceEvent event, Double factor) {
      return new LaplaceEvent(scaled(event.noiseMultiplier(), factor));
    }

    @Override
    public PrivacyEvent epsilonDelta(EpsilonDeltaEvent event, Double factor) {
      return event;
    }

    @Override
    public PrivacyEvent zcdp(ZcdpEvent event, Double factor) {
      return event;
    }

    @Override
    public PrivacyEvent poissonSampled(PoissonSampledEvent event, Double factor) {
      throw unexpected(event);
    }

    @Override
    public PrivacyEvent perRelation(PerRelationEvent event, Double factor) {
      throw unexpected(event);
    }

    // PerRelationEvent's constructor keeps sampled and nested per-relation events out of branches.
    private static IllegalStateException unexpected(PrivacyEvent event) {
      return new IllegalStateException("unexpected event in a PerRelationEvent branch: " + event);
    }

    private static double scaled(double multiplier, double factor) {
      double product = multiplier * factor;
      return product < Double.POSITIVE_INFINITY ? product : Double.MAX_VALUE;
    }
  }
}

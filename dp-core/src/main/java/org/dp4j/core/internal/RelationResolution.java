package org.dp4j.core.internal;

import java.util.ArrayList;
import java.util.List;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
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
    return containsPerRelation(event) ? rewrite(event, relation) : event;
  }

  private static boolean containsPerRelation(PrivacyEvent event) {
    if (event instanceof PerRelationEvent) {
      return true;
    }
    if (event instanceof PoissonSampledEvent sampled) {
      return containsPerRelation(sampled.event());
    }
    if (event instanceof SelfComposedEvent self) {
      return containsPerRelation(self.event());
    }
    if (event instanceof ComposedEvent composed) {
      for (PrivacyEvent inner : composed.events()) {
        if (containsPerRelation(inner)) {
          return true;
        }
      }
    }
    return false;
  }

  private static PrivacyEvent rewrite(PrivacyEvent event, NeighbouringRelation relation) {
    if (event instanceof PerRelationEvent perRelation) {
      return inNativeUnits(perRelation.branch(relation), relation.sumSensitivityFactor());
    }
    if (event instanceof PoissonSampledEvent sampled) {
      return new PoissonSampledEvent(sampled.samplingRate(), rewrite(sampled.event(), relation));
    }
    if (event instanceof SelfComposedEvent self) {
      return new SelfComposedEvent(rewrite(self.event(), relation), self.count());
    }
    if (event instanceof ComposedEvent composed) {
      List<PrivacyEvent> events = new ArrayList<>(composed.events().size());
      for (PrivacyEvent inner : composed.events()) {
        events.add(rewrite(inner, relation));
      }
      return new ComposedEvent(events);
    }
    return event;
  }

  /** A branch (no sampling, no per-relation events) in the units of an accountant with factor f. */
  private static PrivacyEvent inNativeUnits(PrivacyEvent branch, double factor) {
    if (factor == 1.0) {
      return branch;
    }
    if (branch instanceof GaussianEvent gaussian) {
      return new GaussianEvent(scaled(gaussian.noiseMultiplier(), factor));
    }
    if (branch instanceof LaplaceEvent laplace) {
      return new LaplaceEvent(scaled(laplace.noiseMultiplier(), factor));
    }
    if (branch instanceof SelfComposedEvent self) {
      return new SelfComposedEvent(inNativeUnits(self.event(), factor), self.count());
    }
    if (branch instanceof ComposedEvent composed) {
      List<PrivacyEvent> events = new ArrayList<>(composed.events().size());
      for (PrivacyEvent inner : composed.events()) {
        events.add(inNativeUnits(inner, factor));
      }
      return new ComposedEvent(events);
    }
    if (branch instanceof EpsilonDeltaEvent || branch instanceof ZcdpEvent) {
      return branch;
    }
    // PerRelationEvent's constructor keeps sampled and nested per-relation events out of branches.
    throw new IllegalStateException("unexpected event in a PerRelationEvent branch: " + branch);
  }

  private static double scaled(double multiplier, double factor) {
    double product = multiplier * factor;
    return product < Double.POSITIVE_INFINITY ? product : Double.MAX_VALUE;
  }
}

package org.dp4j.core.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.accounting.rdp.ZcdpAccountant;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.dp4j.core.event.ZcdpEvent;
import org.dp4j.core.internal.RelationResolution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every accountant charges a {@link PerRelationEvent} the branch for its relation, as stated for
 * that relation: the same epsilon, bit for bit, as the branch written in the accountant's native
 * units, and under {@code REPLACE_ONE} the same as an add/remove accountant given the branch (its
 * multipliers are not rescaled a second time).
 */
class PerRelationAccountingTest {

  enum Kind {
    BASIC(BasicCompositionAccountant::new),
    ADVANCED(AdvancedCompositionAccountant::new),
    OPTIMAL(OptimalCompositionAccountant::new),
    RDP(RdpAccountant::new),
    ZCDP(ZcdpAccountant::new),
    PLD(PldAccountant::new);

    final Function<NeighbouringRelation, PrivacyAccountant> factory;

    Kind(Function<NeighbouringRelation, PrivacyAccountant> factory) {
      this.factory = factory;
    }

    boolean compositionOnly() {
      return this == BASIC || this == ADVANCED || this == OPTIMAL;
    }

    /** Branches this accountant supports: Laplace and pure DP, plus Gaussian and zCDP for some. */
    List<PerRelationEvent> events() {
      List<PerRelationEvent> events = new ArrayList<>();
      events.add(PerRelationEvent.of(new LaplaceEvent(2.0), new LaplaceEvent(0.75)));
      events.add(PerRelationEvent.of(EpsilonDeltaEvent.pure(0.3), EpsilonDeltaEvent.pure(0.7)));
      if (this == OPTIMAL) {
        return events;
      }
      events.add(
          PerRelationEvent.of(
              new SelfComposedEvent(new LaplaceEvent(4.0), 3),
              ComposedEvent.of(new LaplaceEvent(1.5), EpsilonDeltaEvent.pure(0.2))));
      if (compositionOnly()) {
        return events;
      }
      events.add(PerRelationEvent.of(new GaussianEvent(2.0), new GaussianEvent(1.5)));
      events.add(
          PerRelationEvent.of(
              ComposedEvent.of(new GaussianEvent(3.0), new GaussianEvent(4.0)),
              new SelfComposedEvent(new GaussianEvent(2.5), 4)));
      if (this == ZCDP || this == RDP) {
        events.add(PerRelationEvent.of(new ZcdpEvent(0.1), new GaussianEvent(1.5)));
      }
      return events;
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (Kind kind : Kind.values()) {
      for (NeighbouringRelation relation : NeighbouringRelation.values()) {
        for (PerRelationEvent event : kind.events()) {
          cases.add(Arguments.of(kind, relation, event));
        }
      }
    }
    return cases.stream();
  }

  /** The branch written for an accountant that divides plain multipliers by its factor. */
  private static PrivacyEvent inAccountantUnits(PrivacyEvent branch, double factor) {
    if (branch instanceof GaussianEvent g) {
      return new GaussianEvent(g.noiseMultiplier() * factor);
    }
    if (branch instanceof LaplaceEvent l) {
      return new LaplaceEvent(l.noiseMultiplier() * factor);
    }
    if (branch instanceof SelfComposedEvent s) {
      return new SelfComposedEvent(inAccountantUnits(s.event(), factor), s.count());
    }
    if (branch instanceof ComposedEvent c) {
      return new ComposedEvent(c.events().stream().map(e -> inAccountantUnits(e, factor)).toList());
    }
    return branch;
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("cases")
  void theBranchForTheRelationIsChargedAsStated(
      Kind kind, NeighbouringRelation relation, PerRelationEvent event) {
    PrivacyAccountant perRelation = kind.factory.apply(relation);
    assertTrue(perRelation.supports(event), perRelation.unsupportedReason(event).toString());
    perRelation.compose(event);
    PrivacyEvent branch = event.branch(relation);
    PrivacyAccountant direct =
        kind.factory
            .apply(relation)
            .compose(inAccountantUnits(branch, relation.sumSensitivityFactor()));
    // Stated for the relation: an add/remove accountant, which never rescales, agrees.
    PrivacyAccountant stated =
        kind.factory.apply(NeighbouringRelation.ADD_OR_REMOVE_ONE).compose(branch);
    for (double delta : new double[] {0.0, 1e-6, 1e-3}) {
      double epsilon = perRelation.epsilon(delta);
      assertEquals(direct.epsilon(delta), epsilon, "delta " + delta);
      assertEquals(stated.epsilon(delta), epsilon, "delta " + delta);
    }
    for (double epsilon : new double[] {0.0, 0.5, 2.0}) {
      assertEquals(direct.delta(epsilon), perRelation.delta(epsilon), "epsilon " + epsilon);
    }
    assertEquals(List.of(event), perRelation.events(), "the log keeps the original event");
    assertEquals(List.of(event), perRelation.copy().events());
  }

  @Test
  void replaceOneChargesTheReproductionOfTheBoundedSumDefect() {
    // A sum on [-1, 1] with Laplace scale 1: sensitivity 1 under add/remove, 2 under replace-one.
    PerRelationEvent sum =
        PerRelationEvent.of(EpsilonDeltaEvent.pure(1), EpsilonDeltaEvent.pure(2));
    for (Kind kind : new Kind[] {Kind.BASIC, Kind.ADVANCED, Kind.OPTIMAL}) {
      assertEquals(
          Math.nextUp(1.0),
          kind.factory.apply(NeighbouringRelation.ADD_OR_REMOVE_ONE).compose(sum).epsilon(0));
      assertEquals(
          Math.nextUp(2.0),
          kind.factory.apply(NeighbouringRelation.REPLACE_ONE).compose(sum).epsilon(0));
    }
  }

  @Test
  void aPoissonSampledReleaseResolvesInsideTheSampling() {
    PerRelationEvent release = PerRelationEvent.of(new GaussianEvent(1.0), new GaussianEvent(0.5));
    PrivacyEvent sampled = new PoissonSampledEvent(0.01, release);
    PrivacyAccountant rdp = new RdpAccountant().compose(sampled, 1000);
    PrivacyAccountant plain =
        new RdpAccountant().compose(new PoissonSampledEvent(0.01, new GaussianEvent(1.0)), 1000);
    assertEquals(plain.epsilon(1e-5), rdp.epsilon(1e-5));
    for (Kind kind : Kind.values()) {
      PrivacyAccountant replace = kind.factory.apply(NeighbouringRelation.REPLACE_ONE);
      if (kind.compositionOnly()) {
        sampled = new PoissonSampledEvent(0.01, PerRelationEvent.sameForBoth(new LaplaceEvent(1)));
      }
      String reason = replace.unsupportedReason(sampled).orElseThrow();
      assertTrue(
          reason.contains("ADD_OR_REMOVE_ONE")
              || reason.contains("add/remove")
              || reason.contains("subsampling"),
          kind + ": " + reason);
    }
  }

  @Test
  void anUnsupportedBranchIsReportedWithTheOriginalEvent() {
    PerRelationEvent event = PerRelationEvent.of(new ZcdpEvent(0.1), EpsilonDeltaEvent.pure(1));
    PldAccountant pld = new PldAccountant();
    assertTrue(pld.unsupportedReason(event).orElseThrow().contains("zCDP"));
    UnsupportedEventException e =
        assertThrows(UnsupportedEventException.class, () -> pld.compose(event));
    assertSame(event, e.event());
    assertTrue(pld.events().isEmpty());
    // The same event is fine under REPLACE_ONE, where its branch is a pure guarantee.
    assertTrue(new PldAccountant(NeighbouringRelation.REPLACE_ONE).supports(event));
  }

  @Test
  void resolutionKeepsEventsWithoutPerRelationPartsAndDoublesReplaceOneMultipliers() {
    PrivacyEvent plain =
        ComposedEvent.of(new GaussianEvent(1), new PoissonSampledEvent(0.1, new LaplaceEvent(2)));
    assertSame(plain, RelationResolution.resolve(plain, NeighbouringRelation.REPLACE_ONE));
    PerRelationEvent event =
        PerRelationEvent.of(
            new GaussianEvent(3),
            ComposedEvent.of(
                new GaussianEvent(0.1),
                new LaplaceEvent(Double.MIN_VALUE),
                new ZcdpEvent(0.5),
                new LaplaceEvent(Double.MAX_VALUE)));
    assertEquals(
        new GaussianEvent(3),
        RelationResolution.resolve(event, NeighbouringRelation.ADD_OR_REMOVE_ONE));
    assertEquals(
        ComposedEvent.of(
            new GaussianEvent(0.2),
            new LaplaceEvent(2 * Double.MIN_VALUE),
            new ZcdpEvent(0.5),
            new LaplaceEvent(Double.MAX_VALUE)),
        RelationResolution.resolve(event, NeighbouringRelation.REPLACE_ONE));
    assertThrows(
        NullPointerException.class,
        () -> RelationResolution.resolve(null, NeighbouringRelation.REPLACE_ONE));
    assertThrows(NullPointerException.class, () -> RelationResolution.resolve(event, null));
  }
}

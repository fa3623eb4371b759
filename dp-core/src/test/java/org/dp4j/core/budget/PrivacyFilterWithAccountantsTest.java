package org.dp4j.core.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.AdvancedCompositionAccountant;
import org.dp4j.core.accounting.BasicCompositionAccountant;
import org.dp4j.core.accounting.OptimalCompositionAccountant;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The filter against the library's real accountants (composition and RDP): its decisions and its
 * spend agree exactly with the accountant composing the accepted events directly, and a ledger
 * replays to the same value.
 */
class PrivacyFilterWithAccountantsTest {

  @TempDir Path dir;

  enum Kind {
    BASIC(BasicCompositionAccountant::new),
    ADVANCED(AdvancedCompositionAccountant::new),
    OPTIMAL(OptimalCompositionAccountant::new),
    RDP(RdpAccountant::new);

    final Supplier<PrivacyAccountant> factory;

    Kind(Supplier<PrivacyAccountant> factory) {
      this.factory = factory;
    }

    /** Homogeneous events (the optimal accountant's domain), occasionally another one. */
    PrivacyEvent event(SplittableRandom random) {
      if (this == RDP) {
        return random.nextInt(10) == 0
            ? new GaussianEvent(8.0)
            : new PoissonSampledEvent(0.05, new GaussianEvent(1.0));
      }
      return random.nextInt(10) == 0 ? new LaplaceEvent(20.0) : EpsilonDeltaEvent.pure(0.05);
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    SplittableRandom seeds = new SplittableRandom(42);
    for (Kind kind : Kind.values()) {
      for (int i = 0; i < 3; i++) {
        cases.add(Arguments.of(kind, seeds.nextLong()));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void decisionsAndSpendMatchTheAccountant(Kind kind, long seed) throws IOException {
    SplittableRandom random = new SplittableRandom(seed);
    PrivacyBudget budget = PrivacyBudget.approximate(1.0 + random.nextDouble(), 1e-5);
    Path file = dir.resolve(kind + "-" + seed + ".ledger");
    PrivacyAccountant accepted = kind.factory.get();
    double spent;
    try (PrivacyLedger ledger = PrivacyLedger.create(file, kind.factory.get(), budget)) {
      PrivacyFilter filter = ledger.filter();
      for (int i = 0; i < 60; i++) {
        PrivacyEvent event = kind.event(random);
        if (!filter.supports(event)) {
          continue;
        }
        double ifAccepted = accepted.copy().compose(event).epsilon(budget.delta());
        try {
          SpendReceipt receipt = filter.spend(event, "q" + i);
          accepted.compose(event);
          assertTrue(ifAccepted <= budget.epsilon());
          assertEquals(ifAccepted, receipt.epsilonAfter());
        } catch (PrivacyBudgetExceededException e) {
          assertFalse(ifAccepted <= budget.epsilon());
          assertEquals(ifAccepted, e.epsilonIfSpent());
        }
        assertEquals(accepted.epsilon(budget.delta()), filter.spent());
      }
      spent = filter.spent();
      assertTrue(spent <= budget.epsilon());
      assertTrue(!accepted.events().isEmpty(), "some spends were accepted");
      PrivacyEvent thousandMore = new SelfComposedEvent(kind.event(random), 1000);
      assertFalse(filter.canAfford(thousandMore), "the budget binds");
    }
    try (PrivacyLedger reopened = PrivacyLedger.open(file, kind.factory.get())) {
      assertEquals(spent, reopened.filter().spent());
      assertEquals(accepted.events(), reopened.filter().accountantSnapshot().events());
    }
  }

  /** A ledger of per-relation spends replays to the same value under each relation. */
  @Test
  void perRelationSpendsReplayFromTheLedger() throws IOException {
    PrivacyEvent sum =
        PerRelationEvent.of(EpsilonDeltaEvent.pure(0.25), EpsilonDeltaEvent.pure(0.5));
    PrivacyEvent gaussian = PerRelationEvent.sameForBoth(new GaussianEvent(3.0));
    for (NeighbouringRelation relation : NeighbouringRelation.values()) {
      Path file = dir.resolve(relation + ".ledger");
      double spent;
      try (PrivacyLedger ledger =
          PrivacyLedger.create(
              file, new RdpAccountant(relation), PrivacyBudget.approximate(10, 1e-6))) {
        ledger.filter().spend(sum, "sum");
        ledger.filter().spend(gaussian, "gaussian");
        spent = ledger.filter().spent();
      }
      double charged = relation == NeighbouringRelation.REPLACE_ONE ? 0.5 : 0.25;
      double expected =
          new RdpAccountant()
              .compose(EpsilonDeltaEvent.pure(charged))
              .compose(new GaussianEvent(3.0))
              .epsilon(1e-6);
      assertEquals(expected, spent, relation.toString());
      try (PrivacyLedger reopened = PrivacyLedger.open(file, new RdpAccountant(relation))) {
        assertEquals(spent, reopened.filter().spent());
        assertEquals(List.of(sum, gaussian), reopened.filter().accountantSnapshot().events());
      }
    }
  }
}

package org.dp4j.core.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.event.ComposedEvent;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PerRelationEvent;
import org.dp4j.core.event.PoissonSampledEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.SelfComposedEvent;
import org.dp4j.core.event.ZcdpEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What every accountant does the same way at its entry points, whatever its analysis. */
class AccountantEntryPointsTest {

  private static final double DELTA = 1e-6;

  /** Events each accountant supports or rejects for one reason or another. */
  private static final List<PrivacyEvent> EVENTS =
      List.of(
          new LaplaceEvent(2.0),
          EpsilonDeltaEvent.pure(0.3),
          EpsilonDeltaEvent.approximate(0.3, 1e-8),
          new GaussianEvent(3.0),
          new ZcdpEvent(0.01),
          new PoissonSampledEvent(0.05, new GaussianEvent(1.5)),
          new PoissonSampledEvent(0.05, new LaplaceEvent(1.0)),
          new PoissonSampledEvent(1.0, ComposedEvent.of(new LaplaceEvent(1.0))),
          new SelfComposedEvent(
              ComposedEvent.of(
                  new LaplaceEvent(4.0), new SelfComposedEvent(EpsilonDeltaEvent.pure(0.1), 3)),
              5),
          PerRelationEvent.of(new LaplaceEvent(1.0), new LaplaceEvent(0.5)),
          ComposedEvent.of(new LaplaceEvent(2.0), new ZcdpEvent(0.01)),
          ComposedEvent.of());

  static Stream<Arguments> accountants() {
    List<Arguments> out = new ArrayList<>();
    for (AccountantKind kind : AccountantKind.values()) {
      for (NeighbouringRelation relation : NeighbouringRelation.values()) {
        out.add(Arguments.of(kind, relation));
      }
    }
    return out.stream();
  }

  @ParameterizedTest
  @MethodSource("accountants")
  void composeAcceptsExactlyWhatSupportsSaysAndRejectsWithoutChange(
      AccountantKind kind, NeighbouringRelation relation) {
    PrivacyAccountant base = kind.create(relation).compose(EpsilonDeltaEvent.pure(0.2));
    double before = base.epsilon(DELTA);
    for (PrivacyEvent event : EVENTS) {
      PrivacyAccountant accountant = base.copy();
      if (accountant.supports(event)) {
        assertSame(accountant, accountant.compose(event), kind + " " + event);
        assertEquals(List.of(EpsilonDeltaEvent.pure(0.2), event), accountant.events());
      } else {
        String reason = accountant.unsupportedReason(event).orElseThrow();
        UnsupportedEventException e =
            assertThrows(UnsupportedEventException.class, () -> accountant.compose(event));
        assertSame(event, e.event());
        assertEquals(
            kind.accountantClass().getSimpleName() + " cannot account for " + event + ": " + reason,
            e.getMessage());
        assertEquals(List.of(EpsilonDeltaEvent.pure(0.2)), accountant.events());
        assertEquals(before, accountant.epsilon(DELTA), 0.0);
      }
    }
    assertEquals(List.of(EpsilonDeltaEvent.pure(0.2)), base.events());
    assertEquals(before, base.epsilon(DELTA), 0.0);
  }

  @ParameterizedTest
  @MethodSource("accountants")
  void composingTimesCountIsComposingTheRepeatedEvent(
      AccountantKind kind, NeighbouringRelation relation) {
    PrivacyEvent event = new LaplaceEvent(3.0);
    PrivacyAccountant counted = kind.create(relation).compose(event, 4);
    PrivacyAccountant repeated = kind.create(relation).compose(new SelfComposedEvent(event, 4));
    assertEquals(repeated.epsilon(DELTA), counted.epsilon(DELTA), 0.0);
    assertEquals(repeated.delta(1.0), counted.delta(1.0), 0.0);
    assertEquals(List.of(new SelfComposedEvent(event, 4)), counted.events());
    assertEquals(List.of(event), kind.create(relation).compose(event, 1).events());
  }

  @ParameterizedTest
  @MethodSource("accountants")
  void badArgumentsAreRejectedByName(AccountantKind kind, NeighbouringRelation relation) {
    PrivacyAccountant accountant = kind.create(relation);
    assertEquals(
        "event must not be null",
        assertThrows(NullPointerException.class, () -> accountant.compose(null)).getMessage());
    assertEquals(
        "event must not be null",
        assertThrows(NullPointerException.class, () -> accountant.compose(null, 2)).getMessage());
    assertEquals(
        "event must not be null",
        assertThrows(NullPointerException.class, () -> accountant.unsupportedReason(null))
            .getMessage());
    assertEquals(
        "count must be positive, got 0",
        assertThrows(
                IllegalArgumentException.class, () -> accountant.compose(new LaplaceEvent(1.0), 0))
            .getMessage());
    assertTrue(accountant.events().isEmpty());
    assertEquals(relation, accountant.relation());
  }

  @Test
  void aCountThatWouldOverflowTheTotalIsReportedBySupports() {
    PldAccountant accountant = new PldAccountant().compose(new LaplaceEvent(1.0), Long.MAX_VALUE);
    PrivacyEvent one = new LaplaceEvent(1.0);
    assertEquals(
        "the total repetition count exceeds " + Long.MAX_VALUE,
        accountant.unsupportedReason(one).orElseThrow());
    assertFalse(accountant.supports(one));
    assertThrows(UnsupportedEventException.class, () -> accountant.compose(one));
    assertTrue(accountant.supports(new LaplaceEvent(2.0)));
  }
}

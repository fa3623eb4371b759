package org.dp4j.core.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.accounting.UnsupportedEventException;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.GaussianEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.event.ZcdpEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PrivacyFilterTest {

  private static final PrivacyBudget BUDGET = PrivacyBudget.approximate(1.0, 1e-6);

  private static PrivacyFilter filter() {
    return PrivacyFilter.limited(new SumAccountant(), BUDGET);
  }

  /** Everything observable about a filter's spend, to check "state unchanged". */
  private record State(double spent, double remaining, long operations, List<PrivacyEvent> events) {
    static State of(PrivacyFilter f) {
      return new State(
          f.spent(), f.remaining(), f.operationCount(), f.accountantSnapshot().events());
    }
  }

  @Test
  void spendReturnsReceiptAndChargesTheAccountant() {
    PrivacyFilter f = filter();
    SpendReceipt first = f.spend(EpsilonDeltaEvent.pure(0.25), "count");
    SpendReceipt second = f.spend(new LaplaceEvent(4.0), "sum");
    assertEquals(1, first.sequenceNumber());
    assertEquals(0.0, first.epsilonBefore());
    assertEquals(0.25, first.epsilonAfter());
    assertEquals(2, second.sequenceNumber());
    assertEquals(0.25, second.epsilonBefore());
    assertEquals(0.5, second.epsilonAfter());
    assertEquals("sum", second.label());
    assertEquals(1e-6, second.targetDelta());
    assertEquals(0.5, f.spent());
    assertEquals(2, f.operationCount());
    assertEquals(
        List.of(EpsilonDeltaEvent.pure(0.25), new LaplaceEvent(4.0)),
        f.accountantSnapshot().events());
  }

  @Test
  void spendingExactlyTheBudgetIsAllowedAndTheNextSpendIsRefused() {
    PrivacyFilter f = filter();
    f.spend(EpsilonDeltaEvent.pure(0.5), "a");
    f.spend(EpsilonDeltaEvent.pure(0.5), "b");
    assertEquals(1.0, f.spent());
    assertEquals(0.0, f.remaining());
    // 1 + MIN_VALUE rounds to 1 in double arithmetic; the fixture rounds the exact sum up.
    assertFalse(f.canAfford(EpsilonDeltaEvent.pure(Double.MIN_VALUE)));
    assertThrows(
        PrivacyBudgetExceededException.class,
        () -> f.spend(EpsilonDeltaEvent.pure(Double.MIN_VALUE), "c"));
  }

  @Test
  void refusalNamesRequestedSpentAndRemainingAndChangesNothing() {
    PrivacyFilter f = filter();
    f.spend(EpsilonDeltaEvent.pure(0.75), "first");
    State before = State.of(f);
    PrivacyBudgetExceededException e =
        assertThrows(
            PrivacyBudgetExceededException.class,
            () -> f.spend(EpsilonDeltaEvent.pure(0.5), "too much"));
    assertEquals(before, State.of(f));
    assertEquals(0.75, e.spentEpsilon());
    assertEquals(1.25, e.epsilonIfSpent());
    assertEquals(0.5, e.requestedEpsilon());
    assertEquals(f.remaining(), e.remainingEpsilon());
    assertEquals("too much", e.label());
    assertEquals(BUDGET, e.budget());
    String m = e.getMessage();
    assertTrue(m.contains("requested epsilon 0.5"), m);
    assertTrue(m.contains("spent 0.75"), m);
    assertTrue(m.contains("remaining " + f.remaining()), m);
    // The filter still works after a refusal, and a refused probe does not leak into the charge.
    f.spend(EpsilonDeltaEvent.pure(0.25), "fits");
    assertEquals(1.0, f.spent());
    assertEquals(2, f.accountantSnapshot().events().size());
  }

  @Test
  void deltaAboveTheTargetMakesEpsilonInfiniteAndIsRefused() {
    PrivacyFilter f = filter();
    State before = State.of(f);
    assertThrows(
        PrivacyBudgetExceededException.class,
        () -> f.spend(EpsilonDeltaEvent.approximate(0.1, 1e-5), "leaky"));
    assertEquals(before, State.of(f));
  }

  @Test
  void canAffordDoesNotChangeStateAndAgreesWithSpend() {
    PrivacyFilter f = filter();
    f.spend(EpsilonDeltaEvent.pure(0.5), "a");
    State before = State.of(f);
    assertTrue(f.canAfford(EpsilonDeltaEvent.pure(0.5)));
    assertFalse(f.canAfford(EpsilonDeltaEvent.pure(0.6)));
    assertEquals(before, State.of(f));
    assertTrue(f.canAfford(EpsilonDeltaEvent.pure(0.3)));
    f.spend(EpsilonDeltaEvent.pure(0.3), "b");
    assertEquals(0.8, f.spent());
    assertEquals(2, f.accountantSnapshot().events().size());
  }

  @Test
  void unsupportedEventsAreRejectedWithTheAccountantsReasonAndChangeNothing() {
    PrivacyFilter f = filter();
    f.spend(EpsilonDeltaEvent.pure(0.1), "a");
    State before = State.of(f);
    for (PrivacyEvent unknown : List.of(new GaussianEvent(1.0), new ZcdpEvent(0.1))) {
      UnsupportedEventException e =
          assertThrows(UnsupportedEventException.class, () -> f.spend(unknown, "x"));
      assertTrue(e.getMessage().contains("not supported by SumAccountant"), e.getMessage());
      assertThrows(UnsupportedEventException.class, () -> f.reserve(unknown, "x"));
      assertThrows(UnsupportedEventException.class, () -> f.canAfford(unknown));
      assertFalse(f.supports(unknown));
    }
    assertTrue(f.supports(new LaplaceEvent(1.0)));
    assertEquals(before, State.of(f));
  }

  static Stream<Arguments> badLabels() {
    return Stream.of(
        Arguments.of("", "label must be 1 to 1000 characters long, got 0 characters"),
        Arguments.of("x".repeat(1001), "label must be 1 to 1000 characters long, got 1001"),
        Arguments.of("a\nb", "label must be free of control characters, got U+000A at index 1"),
        Arguments.of("\u0000", "label must be free of control characters, got U+0000"),
        Arguments.of("ok\uD800", "label must be well-formed UTF-16 (no unpaired surrogate)"),
        Arguments.of("\uDC00ok", "label must be well-formed UTF-16 (no unpaired surrogate)"));
  }

  @ParameterizedTest
  @MethodSource("badLabels")
  void badLabelsAreRejectedWithNameRuleAndValue(String label, String expectedMessageStart) {
    PrivacyFilter f = filter();
    State before = State.of(f);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> f.spend(EpsilonDeltaEvent.pure(0.1), label));
    assertTrue(e.getMessage().startsWith(expectedMessageStart), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> f.reserve(EpsilonDeltaEvent.pure(0.1), label));
    assertEquals(before, State.of(f));
  }

  @Test
  void goodUnusualLabelsAreAccepted() {
    PrivacyFilter f = filter();
    f.spend(EpsilonDeltaEvent.pure(0.1), "x".repeat(1000));
    f.spend(EpsilonDeltaEvent.pure(0.1), "ünïcödé \uD83D\uDE00 label, with \"quotes\"");
    assertEquals(2, f.operationCount());
  }

  @Test
  void nullsAreRejected() {
    PrivacyFilter f = filter();
    assertThrows(NullPointerException.class, () -> f.spend(null, "a"));
    assertThrows(NullPointerException.class, () -> f.spend(EpsilonDeltaEvent.pure(0.1), null));
    assertThrows(NullPointerException.class, () -> f.canAfford(null));
    assertThrows(NullPointerException.class, () -> PrivacyFilter.limited(null, BUDGET));
    assertThrows(
        NullPointerException.class, () -> PrivacyFilter.limited(new SumAccountant(), null));
    assertThrows(NullPointerException.class, () -> PrivacyFilter.odometer(null, 1e-6));
    assertEquals(0, f.operationCount());
  }

  @ParameterizedTest
  @ValueSource(
      doubles = {
        Double.NaN,
        -1.0,
        -0.0 - Double.MIN_VALUE,
        Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY
      })
  void budgetsWithBadEpsilonAreRejected(double epsilon) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PrivacyBudget.approximate(epsilon, 0));
    assertEquals("epsilon must be non-negative and finite, got " + epsilon, e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, -1e-9, 1.0, 1.5, Double.POSITIVE_INFINITY})
  void badDeltasAreRejectedForBudgetsAndOdometers(double delta) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PrivacyBudget.approximate(1, delta));
    assertEquals("delta must be in [0, 1), got " + delta, e.getMessage());
    IllegalArgumentException o =
        assertThrows(
            IllegalArgumentException.class,
            () -> PrivacyFilter.odometer(new SumAccountant(), delta));
    assertEquals("targetDelta must be in [0, 1), got " + delta, o.getMessage());
  }

  @Test
  void eventsWithBadParametersCannotBeBuilt() {
    assertThrows(IllegalArgumentException.class, () -> EpsilonDeltaEvent.pure(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> EpsilonDeltaEvent.pure(-1));
    assertThrows(
        IllegalArgumentException.class, () -> EpsilonDeltaEvent.pure(Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> new LaplaceEvent(Double.NaN));
  }

  @Test
  void hugeAndZeroEventsAreHandled() {
    PrivacyFilter f = filter();
    f.spend(EpsilonDeltaEvent.pure(0.0), "free");
    assertEquals(0.0, f.spent());
    assertEquals(1.0, f.remaining());
    assertThrows(
        PrivacyBudgetExceededException.class,
        () -> f.spend(EpsilonDeltaEvent.pure(Double.MAX_VALUE), "huge"));
    // Laplace with no noise: epsilon 1/0 = +Infinity, refused.
    assertThrows(
        PrivacyBudgetExceededException.class, () -> f.spend(new LaplaceEvent(0.0), "no noise"));
    assertEquals(0.0, f.spent());
    assertEquals(1, f.operationCount());
  }

  @Test
  void theFilterOwnsACopyOfTheAccountant() {
    PrivacyAccountant accountant = new SumAccountant().compose(EpsilonDeltaEvent.pure(0.5));
    PrivacyFilter f = PrivacyFilter.limited(accountant, BUDGET);
    assertEquals(0.5, f.spent());
    accountant.compose(EpsilonDeltaEvent.pure(0.4));
    assertEquals(0.5, f.spent());
    f.spend(EpsilonDeltaEvent.pure(0.1), "a");
    assertEquals(2, accountant.events().size());
  }

  @Test
  void aFilterOverAnAlreadyExhaustedAccountantRefusesEverything() {
    PrivacyAccountant accountant = new SumAccountant().compose(EpsilonDeltaEvent.pure(2.0));
    PrivacyFilter f = PrivacyFilter.limited(accountant, BUDGET);
    assertEquals(2.0, f.spent());
    assertEquals(0.0, f.remaining());
    assertThrows(
        PrivacyBudgetExceededException.class, () -> f.spend(EpsilonDeltaEvent.pure(0.0), "a"));
  }

  @Test
  void odometerRecordsEverythingAndNeverRefuses() {
    PrivacyFilter f = PrivacyFilter.odometer(new SumAccountant(), 1e-6);
    assertEquals(BudgetMode.ODOMETER, f.mode());
    assertTrue(f.budget().isEmpty());
    for (int i = 0; i < 30; i++) {
      assertTrue(f.canAfford(EpsilonDeltaEvent.pure(1.0)));
      f.spend(EpsilonDeltaEvent.pure(1.0), "explore");
    }
    assertEquals(30.0, f.spent());
    assertEquals(Double.POSITIVE_INFINITY, f.remaining());
    f.spend(new LaplaceEvent(0.0), "no noise");
    assertEquals(Double.POSITIVE_INFINITY, f.spent());
    assertThrows(UnsupportedEventException.class, () -> f.spend(new GaussianEvent(1.0), "x"));
  }

  @Test
  void limitedFilterReportsItsConfiguration() {
    PrivacyFilter f = filter();
    assertEquals(BudgetMode.LIMITED, f.mode());
    assertEquals(BUDGET, f.budget().orElseThrow());
    assertEquals(1e-6, f.targetDelta());
    assertEquals(1.0, f.remaining());
    assertTrue(f.toString().contains("LIMITED"));
  }

  @Test
  void reservationCountsAsSpentUntilReleased() {
    PrivacyFilter f = filter();
    Reservation r = f.reserve(EpsilonDeltaEvent.pure(0.75), "training run");
    assertEquals(ReservationState.OPEN, r.state());
    assertEquals(1, r.id());
    assertEquals(0.75, f.spent());
    assertEquals(List.of(r), f.openReservations());
    assertThrows(
        PrivacyBudgetExceededException.class, () -> f.spend(EpsilonDeltaEvent.pure(0.5), "b"));
    r.release();
    assertEquals(ReservationState.RELEASED, r.state());
    assertEquals(0.0, f.spent());
    assertEquals(List.of(), f.openReservations());
    assertEquals(List.of(), f.accountantSnapshot().events());
    f.spend(EpsilonDeltaEvent.pure(0.5), "b");
    assertEquals(0.5, f.spent());
  }

  @Test
  void committedReservationStaysSpent() {
    PrivacyFilter f = filter();
    Reservation r = f.reserve(EpsilonDeltaEvent.pure(0.5), "run");
    SpendReceipt receipt = r.commit();
    assertEquals(ReservationState.COMMITTED, r.state());
    assertEquals(0.5, receipt.epsilonBefore());
    assertEquals(0.5, receipt.epsilonAfter());
    assertEquals(2, receipt.sequenceNumber());
    assertEquals(0.5, f.spent());
    assertEquals(List.of(EpsilonDeltaEvent.pure(0.5)), f.accountantSnapshot().events());
  }

  @Test
  void releasingOneOfSeveralReservationsKeepsTheOthers() {
    PrivacyFilter f = filter();
    Reservation a = f.reserve(EpsilonDeltaEvent.pure(0.25), "a");
    f.spend(EpsilonDeltaEvent.pure(0.125), "spent");
    Reservation b = f.reserve(EpsilonDeltaEvent.pure(0.5), "b");
    assertEquals(0.875, f.spent());
    a.release();
    assertEquals(0.625, f.spent());
    assertEquals(List.of(b), f.openReservations());
    b.commit();
    assertEquals(0.625, f.spent());
    assertEquals(5, f.operationCount());
  }

  @Test
  void reservationsCannotBeFinishedTwiceOrByAnotherFilter() {
    PrivacyFilter f = filter();
    Reservation r = f.reserve(EpsilonDeltaEvent.pure(0.25), "a");
    r.commit();
    State before = State.of(f);
    IllegalStateException twice = assertThrows(IllegalStateException.class, r::commit);
    assertEquals(
        "reservation 1 must be OPEN to commit or release, got COMMITTED", twice.getMessage());
    assertThrows(IllegalStateException.class, r::release);
    assertEquals(before, State.of(f));

    Reservation released = f.reserve(EpsilonDeltaEvent.pure(0.25), "b");
    released.release();
    assertThrows(IllegalStateException.class, released::commit);

    PrivacyFilter other = filter();
    Reservation foreign = other.reserve(EpsilonDeltaEvent.pure(0.25), "c");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> f.commit(foreign));
    assertTrue(e.getMessage().startsWith("reservation must be one made by this filter"));
    assertEquals(ReservationState.OPEN, foreign.state());
  }

  @Test
  void reservationsAreRefusedLikeSpends() {
    PrivacyFilter f = filter();
    f.reserve(EpsilonDeltaEvent.pure(0.75), "a");
    State before = State.of(f);
    assertThrows(
        PrivacyBudgetExceededException.class, () -> f.reserve(EpsilonDeltaEvent.pure(0.5), "b"));
    assertEquals(before, State.of(f));
  }

  static Stream<Long> seeds() {
    return new SplittableRandom(20261123L).longs(20).boxed();
  }

  /**
   * Property: over a seeded random mix of spends, reservations, commits, releases and probes, the
   * filter's spend equals basic composition of exactly the accepted and still-charged events, never
   * exceeds the budget, and spent + remaining never exceeds the total.
   */
  @ParameterizedTest
  @MethodSource("seeds")
  void randomOperationSequencesKeepTheInvariants(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double total = 0.5 + 4.0 * random.nextDouble();
    PrivacyFilter f = PrivacyFilter.limited(new SumAccountant(), PrivacyBudget.pure(total));
    PrivacyAccountant expected = new SumAccountant();
    List<Reservation> open = new ArrayList<>();
    for (int step = 0; step < 300; step++) {
      PrivacyEvent event = EpsilonDeltaEvent.pure(random.nextDouble() * 0.2);
      int action = random.nextInt(5);
      double before = f.spent();
      boolean affordable = f.canAfford(event);
      try {
        if (action == 0) {
          open.add(f.reserve(event, "r"));
        } else if (action == 1 && !open.isEmpty()) {
          Reservation r = open.remove(random.nextInt(open.size()));
          r.release();
          expected = new SumAccountant();
          for (PrivacyEvent e : f.accountantSnapshot().events()) {
            expected.compose(e);
          }
          continue;
        } else if (action == 2 && !open.isEmpty()) {
          open.remove(random.nextInt(open.size())).commit();
          assertEquals(before, f.spent());
          continue;
        } else {
          f.spend(event, "s");
        }
        assertTrue(affordable, "accepted an event canAfford refused");
        expected.compose(event);
      } catch (PrivacyBudgetExceededException e) {
        assertFalse(affordable, "refused an event canAfford accepted");
        assertEquals(before, f.spent());
      }
      assertTrue(f.spent() <= total);
      assertTrue(f.spent() + f.remaining() <= total);
      assertEquals(f.spent(), f.accountantSnapshot().epsilon(0.0));
    }
    assertEquals(expected.epsilon(0.0), f.spent());
  }

  @Test
  void repeatedRefusalOfTheSameEventDoesNotRebuild() {
    CountingAccountant counting = new CountingAccountant();
    PrivacyFilter f = PrivacyFilter.limited(counting, PrivacyBudget.pure(1.0));
    f.spend(EpsilonDeltaEvent.pure(1.0), "all");
    long copiesBefore = CountingAccountant.copies(f);
    for (int i = 0; i < 100; i++) {
      assertThrows(
          PrivacyBudgetExceededException.class, () -> f.spend(EpsilonDeltaEvent.pure(0.5), "x"));
    }
    assertTrue(CountingAccountant.copies(f) - copiesBefore <= 1);
  }

  /** SumAccountant that counts copies made (shared counter per family of copies). */
  private static final class CountingAccountant implements PrivacyAccountant {
    private final SumAccountant inner;
    private final long[] copies;

    CountingAccountant() {
      this(new SumAccountant(), new long[1]);
    }

    private CountingAccountant(SumAccountant inner, long[] copies) {
      this.inner = inner;
      this.copies = copies;
    }

    static long copies(PrivacyFilter f) {
      // accountantSnapshot itself copies once; subtract it.
      return ((CountingAccountant) f.accountantSnapshot()).copies[0] - 1;
    }

    @Override
    public org.dp4j.core.NeighbouringRelation relation() {
      return inner.relation();
    }

    @Override
    public java.util.Optional<String> unsupportedReason(PrivacyEvent event) {
      return inner.unsupportedReason(event);
    }

    @Override
    public PrivacyAccountant compose(PrivacyEvent event) {
      inner.compose(event);
      return this;
    }

    @Override
    public double epsilon(double delta) {
      return inner.epsilon(delta);
    }

    @Override
    public double delta(double epsilon) {
      return inner.delta(epsilon);
    }

    @Override
    public List<PrivacyEvent> events() {
      return inner.events();
    }

    @Override
    public PrivacyAccountant copy() {
      copies[0]++;
      return new CountingAccountant((SumAccountant) inner.copy(), copies);
    }
  }

  /** Property: remaining is the largest double not above the exact difference. */
  @ParameterizedTest
  @MethodSource("seeds")
  void remainingIsTheExactDifferenceRoundedDown(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 1000; i++) {
      double limit = random.nextDouble() * Math.pow(10, random.nextInt(-5, 5));
      double spent = limit * random.nextDouble();
      double remaining = PrivacyFilter.remainingEpsilon(limit, spent);
      java.math.BigDecimal exact =
          new java.math.BigDecimal(limit).subtract(new java.math.BigDecimal(spent));
      assertTrue(new java.math.BigDecimal(remaining).compareTo(exact) <= 0, "never rounded up");
      assertTrue(
          new java.math.BigDecimal(Math.nextUp(remaining)).compareTo(exact) > 0,
          "the largest such double");
    }
    assertEquals(0.0, PrivacyFilter.remainingEpsilon(1.0, 1.0));
    assertEquals(0.0, PrivacyFilter.remainingEpsilon(1.0, 2.0));
    assertEquals(0.0, PrivacyFilter.remainingEpsilon(1.0, Double.POSITIVE_INFINITY));
    assertEquals(1.0, PrivacyFilter.remainingEpsilon(1.0, 0.0));
  }

  @Test
  void receiptsKeepTheAcceptedEventAndLabel() {
    PrivacyFilter f = filter();
    PrivacyEvent event = EpsilonDeltaEvent.pure(0.1);
    SpendReceipt r = f.spend(event, "a");
    assertSame(event, r.event());
    assertTrue(r.time().toEpochMilli() > 0);
  }
}

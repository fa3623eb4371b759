package org.dp4j.core.budget;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.accounting.UnsupportedEventException;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;

/**
 * A privacy budget over any {@link PrivacyAccountant}: it refuses every release that would push the
 * composed guarantee past a total {@link PrivacyBudget}.
 *
 * <p>A {@link BudgetMode#LIMITED limited} filter with total budget {@code (epsilonTotal,
 * deltaTotal)} states its spend as the accountant's epsilon at the fixed target delta {@code
 * deltaTotal}, and accepts an event only when the accountant's epsilon for everything recorded plus
 * the event is {@code <= epsilonTotal}. Because accountants report upper bounds, the released
 * results together are {@code (epsilonTotal, deltaTotal)}-DP by the accountant's composition
 * theorem (for example basic composition, Dwork &amp; Roth 2014 Thm. 3.16, or RDP composition,
 * Mironov 2017 Prop. 1). When the <em>parameters</em> of later events are chosen adaptively from
 * earlier outputs, the check is a valid privacy filter for basic composition (Rogers, Roth, Ullman
 * &amp; Vadhan 2016) and for Renyi DP (Feldman &amp; Zrnic 2021); for accountants whose bound
 * assumes parameters fixed in advance (advanced or optimal composition, PLD), fix the sequence of
 * event parameters before the first release, or see Whitehouse, Ramdas, Rogers &amp; Wu 2023 for
 * fully adaptive bounds. An {@link BudgetMode#ODOMETER odometer} records without a limit and only
 * reports.
 *
 * <h2>Thread safety</h2>
 *
 * All methods are thread-safe and <strong>linearizable</strong>: every operation that reads or
 * changes the spend ({@code spend}, {@code reserve}, {@code canAfford}, commit, release, {@code
 * spent}, {@code remaining}, ...) runs under one lock, so the check and the record of a spend are a
 * single atomic step, and two threads can never both spend the last of a budget. With a {@link
 * PrivacyLedger} the record is written under the lock and forced to disk after it (concurrent
 * spends share one force); {@code spend} returns only once its record is durable.
 *
 * <h2>Cost</h2>
 *
 * A successful spend composes the event into the accountant twice (committed state and the charged
 * state used for checks) and evaluates epsilon once, so its cost does not grow with the number of
 * events already spent when the accountant's compose and epsilon do not (true for RDP). Because
 * accountants cannot undo a compose, a refused spend, {@code canAfford} of an event that is then
 * not spent, and {@link Reservation#release()} rebuild the charged state from a {@link
 * PrivacyAccountant#copy()} of the committed one on the next operation. Refusing the same event
 * again without an intervening change costs nothing.
 *
 * <h2>Failures</h2>
 *
 * Bad input (null, unsupported event, bad label) throws before anything changes. A refused spend
 * throws {@link PrivacyBudgetExceededException} and changes nothing. If the accountant returns NaN,
 * the spend is taken as {@code +Infinity} (refused when limited). The ledger record is written
 * before memory changes: if it cannot be encoded (an event over 1 MiB) the operation throws {@link
 * IllegalArgumentException} and nothing changes. If the disk write or force fails, the operation
 * throws {@link java.io.UncheckedIOException} and the ledger refuses every later operation; the
 * file may still hold the record, so a reopened ledger can only count more, never less.
 */
public final class PrivacyFilter {

  /** Longest label accepted, in UTF-16 chars, so that a label fits one ledger record field. */
  public static final int MAX_LABEL_LENGTH = 1000;

  private final ReentrantLock lock = new ReentrantLock();
  private final BudgetMode mode;
  private final PrivacyBudget budget;
  private final double targetDelta;
  private final SpendJournal journal;
  private final Clock clock;

  /** A lower bound on every reported epsilon: what a reopened ledger had recorded (else 0). */
  private final double epsilonFloor;

  // Everything below is guarded by lock.
  /** The committed spends (and the accountant's initial events). */
  private final PrivacyAccountant committed;

  /** committed + open reservations, plus probeEvent when that is non-null. */
  private PrivacyAccountant charged;

  /** True while charged may hold a half-composed event; it is rebuilt before the next use. */
  private boolean chargedBroken;

  private PrivacyEvent probeEvent;
  private double probeEpsilon;
  private double spentEpsilon;
  private final Map<Long, Reservation> openReservations = new LinkedHashMap<>();
  private long nextSequence;
  private long nextReservationId;

  PrivacyFilter(
      BudgetMode mode,
      PrivacyBudget budget,
      double targetDelta,
      PrivacyAccountant ownedAccountant,
      SpendJournal journal,
      Clock clock,
      long nextSequence,
      long nextReservationId,
      double epsilonFloor) {
    this.mode = mode;
    this.epsilonFloor = epsilonFloor;
    this.budget = budget;
    this.targetDelta = targetDelta;
    this.committed = ownedAccountant;
    this.journal = journal;
    this.clock = clock;
    this.charged = ownedAccountant.copy();
    this.spentEpsilon = bound(charged.epsilon(targetDelta));
    this.nextSequence = nextSequence;
    this.nextReservationId = nextReservationId;
  }

  /**
   * A filter that refuses spends beyond {@code budget}, stating epsilon at {@code budget.delta()}.
   *
   * <p>The filter works on its own {@link PrivacyAccountant#copy() copy} of {@code accountant};
   * events already composed into it count as spent (a filter whose accountant already exceeds the
   * budget exists, but refuses every spend). Later changes to {@code accountant} do not affect the
   * filter.
   *
   * @param accountant the accountant that composes the events, not null
   * @param budget the total budget, not null
   * @return an in-memory limited filter
   */
  public static PrivacyFilter limited(PrivacyAccountant accountant, PrivacyBudget budget) {
    Checks.notNull("accountant", accountant);
    Checks.notNull("budget", budget);
    return new PrivacyFilter(
        BudgetMode.LIMITED,
        budget,
        budget.delta(),
        accountant.copy(),
        null,
        Clock.systemUTC(),
        1,
        1,
        0.0);
  }

  /**
   * A report-only odometer: it records every supported event and never refuses. Use it for
   * exploration, never to enforce a guarantee.
   *
   * @param accountant the accountant that composes the events, not null; copied as in {@link
   *     #limited}
   * @param targetDelta the delta at which epsilon is reported, in {@code [0, 1)}
   * @return an in-memory odometer
   */
  public static PrivacyFilter odometer(PrivacyAccountant accountant, double targetDelta) {
    Checks.notNull("accountant", accountant);
    Checks.delta("targetDelta", targetDelta);
    return new PrivacyFilter(
        BudgetMode.ODOMETER,
        null,
        targetDelta,
        accountant.copy(),
        null,
        Clock.systemUTC(),
        1,
        1,
        0.0);
  }

  /**
   * Atomically checks that {@code event} fits the budget, records it and returns a receipt. Call it
   * before releasing the result the event describes.
   *
   * @param event the event to charge, not null, supported by the accountant
   * @param label what the release is, for the ledger and reports: 1 to {@value #MAX_LABEL_LENGTH}
   *     chars, no control characters
   * @return the receipt
   * @throws PrivacyBudgetExceededException when the event does not fit; nothing changes
   * @throws UnsupportedEventException when the accountant cannot analyse the event; nothing changes
   * @throws IllegalArgumentException for a bad label; {@link NullPointerException} for null
   * @throws IllegalStateException when the filter's ledger is closed or failed; nothing changes
   * @throws java.io.UncheckedIOException when the ledger cannot write or force the record (see the
   *     class documentation)
   */
  public SpendReceipt spend(PrivacyEvent event, String label) {
    Checks.notNull("event", event);
    checkLabel(label);
    SpendReceipt receipt;
    long ticket;
    lock.lock();
    try {
      ensureWritable();
      requireSupported(event);
      double before = spentEpsilon;
      double after = evaluate(event);
      refuseIfOver(event, label, before, after);
      long sequence = nextSequence;
      Instant now = now();
      // Journal first: if encoding or writing fails, memory is unchanged (and a failed write
      // leaves the ledger refusing everything, so a partly written record can only over-count).
      ticket = append(sequence, RecordKind.SPEND, now, 0, label, event, after);
      committed.compose(event);
      probeEvent = null;
      spentEpsilon = after;
      nextSequence++;
      receipt = new SpendReceipt(sequence, label, event, now, before, after, targetDelta);
    } finally {
      lock.unlock();
    }
    awaitDurable(ticket);
    return receipt;
  }

  /**
   * Atomically checks that {@code event} fits the budget and sets it aside: it counts as spent
   * until {@link Reservation#release() released}. Use it when the release may fail after the check.
   *
   * @param event the event to reserve, as for {@link #spend}
   * @param label as for {@link #spend}
   * @return the open reservation
   * @throws PrivacyBudgetExceededException when the event does not fit; nothing changes
   * @throws UnsupportedEventException when the accountant cannot analyse the event; nothing changes
   * @throws IllegalStateException when the filter's ledger is closed or failed; nothing changes
   * @throws java.io.UncheckedIOException when the ledger cannot write or force the record
   */
  public Reservation reserve(PrivacyEvent event, String label) {
    Checks.notNull("event", event);
    checkLabel(label);
    Reservation reservation;
    long ticket;
    lock.lock();
    try {
      ensureWritable();
      requireSupported(event);
      double before = spentEpsilon;
      double after = evaluate(event);
      refuseIfOver(event, label, before, after);
      long id = nextReservationId;
      long sequence = nextSequence;
      ticket = append(sequence, RecordKind.RESERVE, now(), id, label, event, after);
      reservation = new Reservation(this, id, event, label);
      openReservations.put(id, reservation);
      probeEvent = null;
      spentEpsilon = after;
      nextSequence++;
      nextReservationId++;
    } finally {
      lock.unlock();
    }
    awaitDurable(ticket);
    return reservation;
  }

  /**
   * Whether {@link #spend} of {@code event} would succeed now (ignoring ledger state). An odometer
   * can afford every supported event. The answer may be stale as soon as another thread spends.
   *
   * @param event the event, not null
   * @return whether it fits the remaining budget
   * @throws UnsupportedEventException when the accountant cannot analyse the event
   */
  public boolean canAfford(PrivacyEvent event) {
    Checks.notNull("event", event);
    lock.lock();
    try {
      requireSupported(event);
      if (mode == BudgetMode.ODOMETER) {
        return true;
      }
      return evaluate(event) <= budget.epsilon();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether the filter's accountant can analyse {@code event} (so that {@link #spend} will not
   * throw {@link UnsupportedEventException}).
   *
   * @param event the event, not null
   * @return whether the event is supported
   */
  public boolean supports(PrivacyEvent event) {
    Checks.notNull("event", event);
    lock.lock();
    try {
      return committed.supports(event);
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@return the epsilon spent so far at {@link #targetDelta()}, in nats} It is the accountant's
   * upper bound for every spend, committed reservation and open reservation. {@code +Infinity} is
   * possible only for an odometer (or a filter whose accountant started with an unbounded event).
   */
  public double spent() {
    lock.lock();
    try {
      return spentEpsilon;
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@return the epsilon still available at {@link #targetDelta()}} It is {@code epsilonTotal -
   * spent()} rounded down to a double (never rounded up, never below 0), and {@code +Infinity} for
   * an odometer.
   */
  public double remaining() {
    lock.lock();
    try {
      return remainingLocked();
    } finally {
      lock.unlock();
    }
  }

  /** {@return the total budget; empty for an odometer} */
  public Optional<PrivacyBudget> budget() {
    return Optional.ofNullable(budget);
  }

  /**
   * {@return the delta at which epsilon is stated: the budget's delta, or the odometer's target
   * delta}
   */
  public double targetDelta() {
    return targetDelta;
  }

  /**
   * {@return the mode: {@code LIMITED}, which refuses what the budget cannot afford, or {@code
   * ODOMETER}, which only counts}
   */
  public BudgetMode mode() {
    return mode;
  }

  /** {@return the number of operations recorded (spends, reservations, commits, releases)} */
  public long operationCount() {
    lock.lock();
    try {
      return nextSequence - 1;
    } finally {
      lock.unlock();
    }
  }

  /** {@return the open reservations, oldest first; a snapshot} */
  public List<Reservation> openReservations() {
    lock.lock();
    try {
      return List.copyOf(openReservations.values());
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@return an independent accountant holding everything charged: the initial events, every spend
   * and every committed or open reservation} Costs a {@link PrivacyAccountant#copy()}.
   */
  public PrivacyAccountant accountantSnapshot() {
    lock.lock();
    try {
      return rebuildCharged();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return "PrivacyFilter["
          + mode
          + (budget == null ? "" : ", budget=" + budget)
          + ", targetDelta="
          + targetDelta
          + ", spent="
          + spentEpsilon
          + ", operations="
          + (nextSequence - 1)
          + "]";
    } finally {
      lock.unlock();
    }
  }

  // ---- package-private: reservations and the ledger ----

  SpendReceipt commit(Reservation reservation) {
    requireOwn(reservation);
    SpendReceipt receipt;
    lock.lock();
    try {
      ensureWritable();
      requireOpen(reservation);
      long sequence = nextSequence;
      Instant now = now();
      // Not forced: a lost COMMIT replays as an open reservation, which is charged anyway.
      append(
          sequence,
          RecordKind.COMMIT,
          now,
          reservation.id(),
          reservation.label(),
          reservation.event(),
          spentEpsilon);
      committed.compose(reservation.event());
      openReservations.remove(reservation.id());
      reservation.setState(ReservationState.COMMITTED);
      nextSequence++;
      receipt =
          new SpendReceipt(
              sequence,
              reservation.label(),
              reservation.event(),
              now,
              spentEpsilon,
              spentEpsilon,
              targetDelta);
    } finally {
      lock.unlock();
    }
    return receipt;
  }

  void release(Reservation reservation) {
    requireOwn(reservation);
    lock.lock();
    try {
      ensureWritable();
      requireOpen(reservation);
      PrivacyAccountant rebuilt = committed.copy();
      for (Reservation other : openReservations.values()) {
        if (other != reservation) {
          rebuilt.compose(other.event());
        }
      }
      double after = bound(rebuilt.epsilon(targetDelta));
      long sequence = nextSequence;
      // Journal first: if the write fails the reservation stays charged. Not forced: a lost
      // RELEASE replays as an open reservation, which is charged (pessimistic).
      append(
          sequence,
          RecordKind.RELEASE,
          now(),
          reservation.id(),
          reservation.label(),
          reservation.event(),
          after);
      nextSequence++;
      openReservations.remove(reservation.id());
      reservation.setState(ReservationState.RELEASED);
      charged = rebuilt;
      chargedBroken = false;
      probeEvent = null;
      spentEpsilon = after;
    } finally {
      lock.unlock();
    }
  }

  /** Runs {@code action} holding this filter's lock (the ledger closes under it). */
  void runLocked(Runnable action) {
    lock.lock();
    try {
      action.run();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Validates a label: 1 to {@value #MAX_LABEL_LENGTH} chars, no ISO control characters, no
   * unpaired surrogates (so that it survives UTF-8 exactly).
   */
  static String checkLabel(String label) {
    Checks.notNull("label", label);
    Checks.require(
        !label.isEmpty() && label.length() <= MAX_LABEL_LENGTH,
        "label",
        "1 to " + MAX_LABEL_LENGTH + " characters long",
        label.length() + " characters");
    for (int i = 0; i < label.length(); i++) {
      char c = label.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            Checks.message("label", "free of control characters", codePoint(c, i)));
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < label.length()
          && Character.isLowSurrogate(label.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            Checks.message("label", "well-formed UTF-16 (no unpaired surrogate)", codePoint(c, i)));
      }
    }
    return label;
  }

  // ---- private ----

  private static String codePoint(char c, int index) {
    return "U+" + String.format("%04X", (int) c) + " at index " + index;
  }

  /** The epsilon of charged + event; leaves charged holding the event as the probe. */
  private double evaluate(PrivacyEvent event) {
    if (probeEvent != null && !chargedBroken && probeEvent.equals(event)) {
      return probeEpsilon;
    }
    if (probeEvent != null || chargedBroken) {
      charged = rebuildCharged();
      probeEvent = null;
      chargedBroken = false;
    }
    chargedBroken = true;
    charged.compose(event);
    double epsilon = bound(charged.epsilon(targetDelta));
    probeEvent = event;
    probeEpsilon = epsilon;
    chargedBroken = false;
    return epsilon;
  }

  private PrivacyAccountant rebuildCharged() {
    PrivacyAccountant rebuilt = committed.copy();
    for (Reservation open : openReservations.values()) {
      rebuilt.compose(open.event());
    }
    return rebuilt;
  }

  private void refuseIfOver(PrivacyEvent event, String label, double before, double after) {
    if (mode == BudgetMode.LIMITED && !(after <= budget.epsilon())) {
      throw new PrivacyBudgetExceededException(
          event, label, budget, before, after, remainingLocked());
    }
  }

  private double remainingLocked() {
    if (mode == BudgetMode.ODOMETER) {
      return Double.POSITIVE_INFINITY;
    }
    return remainingEpsilon(budget.epsilon(), spentEpsilon);
  }

  /**
   * The largest double not above the exact {@code limit - spent} (0 when nothing remains): the
   * subtraction's rounding error is recovered exactly with Knuth's TwoSum, and one ulp is taken off
   * when rounding went up.
   */
  static double remainingEpsilon(double limit, double spent) {
    if (!(spent < limit)) {
      return 0.0;
    }
    double difference = limit - spent;
    double spentPart = difference - limit;
    double error = (limit - (difference - spentPart)) + (-spent - spentPart);
    return error < 0 ? Math.max(0.0, Math.nextDown(difference)) : difference;
  }

  private void requireSupported(PrivacyEvent event) {
    Optional<String> reason = committed.unsupportedReason(event);
    if (reason.isPresent()) {
      throw new UnsupportedEventException(
          committed.getClass().getSimpleName(), event, reason.get());
    }
  }

  private void requireOwn(Reservation reservation) {
    Checks.notNull("reservation", reservation);
    Checks.require(
        reservation.filter() == this, "reservation", "one made by this filter", reservation);
  }

  private static void requireOpen(Reservation reservation) {
    if (reservation.state() != ReservationState.OPEN) {
      throw new IllegalStateException(
          "reservation "
              + reservation.id()
              + " must be OPEN to commit or release, got "
              + reservation.state());
    }
  }

  private void ensureWritable() {
    if (journal != null) {
      journal.ensureWritable();
    }
  }

  /** Journals one operation; a no-op (no record built) for an in-memory filter. */
  private long append(
      long sequence,
      RecordKind kind,
      Instant time,
      long reservationId,
      String label,
      PrivacyEvent event,
      double spentAfter) {
    if (journal == null) {
      return 0;
    }
    return journal.append(
        new LedgerRecord(sequence, kind, time, reservationId, label, event, spentAfter));
  }

  private void awaitDurable(long ticket) {
    if (journal != null) {
      journal.awaitDurable(ticket);
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** NaN (a broken bound) becomes +Infinity; nothing is reported below the floor. */
  private double bound(double epsilon) {
    if (Double.isNaN(epsilon)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.max(epsilonFloor, epsilon);
  }
}

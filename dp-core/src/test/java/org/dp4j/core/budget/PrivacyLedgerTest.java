package org.dp4j.core.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.event.EpsilonDeltaEvent;
import org.dp4j.core.event.LaplaceEvent;
import org.dp4j.core.event.PrivacyEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivacyLedgerTest {

  private static final PrivacyBudget BUDGET = PrivacyBudget.approximate(2.0, 1e-6);

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("budget.ledger");
  }

  /** A ledger with five spends of 0.25 and labels a, b, a, c, a; returns the file. */
  private Path fiveSpends() throws IOException {
    Path file = file();
    try (PrivacyLedger ledger = PrivacyLedger.create(file, new SumAccountant(), BUDGET)) {
      for (String label : List.of("a", "b", "a", "c", "a")) {
        ledger.filter().spend(EpsilonDeltaEvent.pure(0.25), label);
      }
    }
    return file;
  }

  @Test
  void reopeningReplaysEverySpend() throws IOException {
    Path file = file();
    List<PrivacyEvent> events =
        List.of(EpsilonDeltaEvent.pure(0.25), new LaplaceEvent(4.0), EpsilonDeltaEvent.pure(0.5));
    try (PrivacyLedger ledger = PrivacyLedger.create(file, new SumAccountant(), BUDGET)) {
      for (PrivacyEvent e : events) {
        ledger.filter().spend(e, "q");
      }
      assertEquals(1.0, ledger.filter().spent());
    }
    try (PrivacyLedger ledger = PrivacyLedger.open(file, new SumAccountant())) {
      PrivacyFilter f = ledger.filter();
      assertEquals(1.0, f.spent());
      assertEquals(1.0, f.remaining());
      assertEquals(3, f.operationCount());
      assertEquals(events, f.accountantSnapshot().events());
      assertEquals(BUDGET, f.budget().orElseThrow());
      assertEquals(0, ledger.discardedTailBytes());
      LedgerHeader h = ledger.header();
      assertEquals(1, h.formatVersion());
      assertEquals(SumAccountant.class.getName(), h.accountant());
      assertEquals(NeighbouringRelation.ADD_OR_REMOVE_ONE, h.relation());
      SpendReceipt next = f.spend(EpsilonDeltaEvent.pure(1.0), "more");
      assertEquals(4, next.sequenceNumber());
      assertThrows(
          PrivacyBudgetExceededException.class, () -> f.spend(EpsilonDeltaEvent.pure(0.5), "x"));
    }
    LedgerContents contents = PrivacyLedger.read(file);
    assertEquals(4, contents.records().size());
    assertEquals(2.0, contents.spentEpsilon());
    assertEquals(0.0, contents.remainingEpsilon());
  }

  @Test
  void readSummarisesPerLabelAndTheAttributionsSumToTheTotal() throws IOException {
    Path file = fiveSpends();
    LedgerContents c = PrivacyLedger.read(file);
    assertEquals(
        List.of(
            new LabelSummary("a", 3, 0.75),
            new LabelSummary("b", 1, 0.25),
            new LabelSummary("c", 1, 0.25)),
        c.byLabel());
    assertEquals(5, c.spendCount());
    assertEquals(1.25, c.spentEpsilon());
    assertEquals(0.75, c.remainingEpsilon());
    double sum = c.byLabel().stream().mapToDouble(LabelSummary::attributedEpsilon).sum();
    assertEquals(c.spentEpsilon(), sum);
    for (int i = 0; i < 5; i++) {
      LedgerRecord r = c.records().get(i);
      assertEquals(i + 1, r.sequenceNumber());
      assertEquals(RecordKind.SPEND, r.kind());
      assertEquals(0.25 * (i + 1), r.spentEpsilonAfter());
      assertFalse(r.time().isAfter(Instant.now()));
    }
  }

  @Test
  void reservationsSurviveAndACrashNeverFreesThem() throws IOException {
    Path file = file();
    Path crashed = dir.resolve("crashed.ledger");
    try (PrivacyLedger ledger = PrivacyLedger.create(file, new SumAccountant(), BUDGET)) {
      PrivacyFilter f = ledger.filter();
      Reservation committed = f.reserve(EpsilonDeltaEvent.pure(0.25), "committed");
      Reservation released = f.reserve(EpsilonDeltaEvent.pure(0.5), "released");
      Reservation pending = f.reserve(EpsilonDeltaEvent.pure(0.125), "pending");
      committed.commit();
      released.release();
      assertEquals(0.375, f.spent());
      assertEquals(List.of(pending), f.openReservations());
      // The process "crashes" here: the file as it is now, without close.
      Files.copy(file, crashed);
    }
    LedgerContents contents = PrivacyLedger.read(crashed);
    assertEquals(Set.of(3L), contents.openReservationIds());
    try (PrivacyLedger ledger = PrivacyLedger.open(crashed, new SumAccountant())) {
      PrivacyFilter f = ledger.filter();
      assertEquals(0.375, f.spent());
      assertEquals(List.of(), f.openReservations(), "orphaned reservations are charged, not open");
      Reservation next = f.reserve(EpsilonDeltaEvent.pure(0.125), "after restart");
      assertEquals(4, next.id(), "reservation ids continue after the largest recorded");
      next.release();
      assertEquals(0.375, f.spent(), "releasing a new reservation never frees an orphaned one");
    }
  }

  @Test
  void odometerLedgersRecordWithoutLimit() throws IOException {
    Path file = file();
    try (PrivacyLedger ledger = PrivacyLedger.createOdometer(file, new SumAccountant(), 1e-6)) {
      for (int i = 0; i < 10; i++) {
        ledger.filter().spend(EpsilonDeltaEvent.pure(1.0), "explore");
      }
    }
    try (PrivacyLedger ledger = PrivacyLedger.open(file, new SumAccountant())) {
      assertEquals(BudgetMode.ODOMETER, ledger.filter().mode());
      assertEquals(10.0, ledger.filter().spent());
      assertEquals(Double.POSITIVE_INFINITY, ledger.filter().remaining());
      assertTrue(ledger.header().budget().isEmpty());
    }
    assertEquals(Double.POSITIVE_INFINITY, PrivacyLedger.read(file).remainingEpsilon());
  }

  @Test
  void aSecondOpenOfTheSameFileIsRefusedByTheLock() throws IOException {
    Path file = file();
    try (PrivacyLedger ledger = PrivacyLedger.create(file, new SumAccountant(), BUDGET)) {
      ledger.filter().spend(EpsilonDeltaEvent.pure(0.25), "a");
      LedgerLockedException e =
          assertThrows(
              LedgerLockedException.class, () -> PrivacyLedger.open(file, new SumAccountant()));
      assertTrue(e.getMessage().contains("is in use"), e.getMessage());
      assertEquals(file, e.file());
      ledger.filter().spend(EpsilonDeltaEvent.pure(0.25), "b");
    }
    try (PrivacyLedger again = PrivacyLedger.open(file, new SumAccountant())) {
      assertEquals(0.5, again.filter().spent());
    }
  }

  @Test
  void aClosedLedgerRefusesToRecordButStillAnswers() throws IOException {
    PrivacyLedger ledger = PrivacyLedger.create(file(), new SumAccountant(), BUDGET);
    PrivacyFilter f = ledger.filter();
    f.spend(EpsilonDeltaEvent.pure(0.25), "a");
    Reservation open = f.reserve(EpsilonDeltaEvent.pure(0.25), "r");
    ledger.close();
    ledger.close();
    assertFalse(ledger.isWritable());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> f.spend(EpsilonDeltaEvent.pure(0.25), "b"));
    assertEquals("ledger " + file() + " is closed", e.getMessage());
    assertThrows(IllegalStateException.class, () -> f.reserve(EpsilonDeltaEvent.pure(0.1), "b"));
    assertThrows(IllegalStateException.class, open::commit);
    assertThrows(IllegalStateException.class, open::release);
    assertEquals(ReservationState.OPEN, open.state());
    assertEquals(0.5, f.spent());
    assertEquals(2, f.operationCount());
    assertTrue(f.canAfford(EpsilonDeltaEvent.pure(0.25)));
  }

  @Test
  void anEventTooLargeForOneRecordIsRefusedAndChangesNothing() throws IOException {
    PrivacyEvent[] many = new PrivacyEvent[130_000];
    Arrays.fill(many, EpsilonDeltaEvent.pure(0.0));
    PrivacyEvent huge = org.dp4j.core.event.ComposedEvent.of(many);
    try (PrivacyLedger ledger = PrivacyLedger.create(file(), new SumAccountant(), BUDGET)) {
      PrivacyFilter f = ledger.filter();
      f.spend(EpsilonDeltaEvent.pure(0.25), "a");
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> f.spend(huge, "huge"));
      assertTrue(e.getMessage().startsWith("ledger record must be at most 1048576 bytes"));
      assertThrows(IllegalArgumentException.class, () -> f.reserve(huge, "huge"));
      assertEquals(0.25, f.spent());
      assertEquals(1, f.operationCount());
      assertEquals(1, f.accountantSnapshot().events().size());
      assertTrue(ledger.isWritable());
      f.spend(EpsilonDeltaEvent.pure(0.25), "b");
    }
    try (PrivacyLedger ledger = PrivacyLedger.open(file(), new SumAccountant())) {
      assertEquals(0.5, ledger.filter().spent());
    }
  }

  /**
   * A real I/O failure: an interrupted thread's FileChannel write throws ClosedByInterruptException
   * (and closes the channel). The spend fails, memory is unchanged, the ledger refuses everything
   * after, and reopening shows nothing was lost.
   */
  @Test
  void aFailedWriteLeavesMemoryUnchangedAndTheLedgerRefusingEverything() throws IOException {
    Path file = file();
    try (PrivacyLedger ledger = PrivacyLedger.create(file, new SumAccountant(), BUDGET)) {
      PrivacyFilter f = ledger.filter();
      f.spend(EpsilonDeltaEvent.pure(0.25), "before");
      Thread.currentThread().interrupt();
      try {
        java.io.UncheckedIOException e =
            assertThrows(
                java.io.UncheckedIOException.class,
                () -> f.spend(EpsilonDeltaEvent.pure(0.5), "interrupted"));
        assertTrue(e.getMessage().contains("cannot write record"), e.getMessage());
      } finally {
        Thread.interrupted();
      }
      assertEquals(0.25, f.spent());
      assertEquals(1, f.operationCount());
      assertFalse(ledger.isWritable());
      IllegalStateException after =
          assertThrows(
              IllegalStateException.class, () -> f.spend(EpsilonDeltaEvent.pure(0.1), "after"));
      assertTrue(after.getMessage().contains("has failed"), after.getMessage());
      assertThrows(IllegalStateException.class, () -> f.reserve(EpsilonDeltaEvent.pure(0.1), "r"));
    }
    try (PrivacyLedger reopened = PrivacyLedger.open(file, new SumAccountant())) {
      assertEquals(0.25, reopened.filter().spent());
    }
  }

  @Test
  void createRefusesAnExistingFileAndOpenAMissingOne() throws IOException {
    Path file = fiveSpends();
    byte[] before = Files.readAllBytes(file);
    assertThrows(
        FileAlreadyExistsException.class,
        () -> PrivacyLedger.create(file, new SumAccountant(), BUDGET));
    assertEquals(Arrays.toString(before), Arrays.toString(Files.readAllBytes(file)));
    assertThrows(
        NoSuchFileException.class,
        () -> PrivacyLedger.open(dir.resolve("missing"), new SumAccountant()));
    assertThrows(NoSuchFileException.class, () -> PrivacyLedger.read(dir.resolve("missing")));
  }

  @Test
  void theAccountantMustBeEmptyAndOfTheRecordedClass() throws IOException {
    PrivacyAccountant used = new SumAccountant().compose(EpsilonDeltaEvent.pure(0.1));
    IllegalArgumentException create =
        assertThrows(
            IllegalArgumentException.class, () -> PrivacyLedger.create(file(), used, BUDGET));
    assertEquals(
        "accountant must be empty (the ledger holds the whole history), got 1 composed events",
        create.getMessage());
    assertFalse(Files.exists(file()));
    Path file = fiveSpends();
    assertThrows(IllegalArgumentException.class, () -> PrivacyLedger.open(file, used));
    PrivacyAccountant other = new OtherAccountant();
    LedgerMismatchException e =
        assertThrows(LedgerMismatchException.class, () -> PrivacyLedger.open(file, other));
    assertEquals(
        "accountant must equal the one ledger "
            + file
            + " was created with, an instance"
            + " of "
            + SumAccountant.class.getName()
            + ", got "
            + OtherAccountant.class.getName(),
        e.getMessage());
    // The failed opens released the lock.
    try (PrivacyLedger ledger = PrivacyLedger.open(file, new SumAccountant())) {
      assertEquals(1.25, ledger.filter().spent());
    }
  }

  @Test
  void filesThatAreNotLedgersAreRejectedClearly() throws IOException {
    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "hello, this is not a ledger\n");
    InvalidLedgerException e =
        assertThrows(
            InvalidLedgerException.class, () -> PrivacyLedger.open(text, new SumAccountant()));
    assertEquals(
        text + ": not a dp4j ledger: it does not start with the magic bytes \"DP4JLDGR\"",
        e.getMessage());
    assertEquals(text, e.file());
    assertEquals("hello, this is not a ledger\n", Files.readString(text), "left unchanged");
    Path empty = Files.createFile(dir.resolve("empty"));
    assertEquals(
        empty + ": the ledger header is incomplete (0 bytes); the file was never fully created",
        assertThrows(
                InvalidLedgerException.class, () -> PrivacyLedger.open(empty, new SumAccountant()))
            .getMessage());
    assertThrows(InvalidLedgerException.class, () -> PrivacyLedger.read(empty));
    assertEquals(0, Files.size(empty));
  }

  @Test
  void incompleteCorruptAndFutureHeadersAreRejected() throws IOException {
    byte[] good = Files.readAllBytes(fiveSpends());
    Path file = dir.resolve("h.ledger");
    Files.write(file, Arrays.copyOf(good, 20));
    assertTrue(
        assertThrows(InvalidLedgerException.class, () -> PrivacyLedger.read(file))
            .getMessage()
            .contains("the ledger header is incomplete"));
    byte[] future = good.clone();
    future[9] = 2;
    Files.write(file, future);
    assertTrue(
        assertThrows(InvalidLedgerException.class, () -> PrivacyLedger.read(file))
            .getMessage()
            .endsWith("ledger format version 2 is not supported; this dp4j reads version 1"));
    byte[] corrupt = good.clone();
    corrupt[15] ^= 0x01; // inside the budget epsilon
    Files.write(file, corrupt);
    assertTrue(
        assertThrows(
                InvalidLedgerException.class, () -> PrivacyLedger.open(file, new SumAccountant()))
            .getMessage()
            .endsWith("the ledger header is corrupt: its checksum fails"));
  }

  @Test
  void aTornFinalRecordIsCutOffAtEveryPossibleLength() throws IOException {
    Path source = fiveSpends();
    byte[] good = Files.readAllBytes(source);
    int lastRecordStart = recordStarts(good).get(4);
    for (int cut = lastRecordStart + 1; cut < good.length; cut++) {
      Path torn = dir.resolve("torn-" + cut);
      Files.write(torn, Arrays.copyOf(good, cut));
      try (PrivacyLedger ledger = PrivacyLedger.open(torn, new SumAccountant())) {
        assertEquals(cut - lastRecordStart, ledger.discardedTailBytes());
        assertEquals(1.0, ledger.filter().spent());
        assertEquals(4, ledger.filter().operationCount());
        ledger.filter().spend(EpsilonDeltaEvent.pure(0.5), "after repair");
      }
      try (PrivacyLedger ledger = PrivacyLedger.open(torn, new SumAccountant())) {
        assertEquals(0, ledger.discardedTailBytes());
        assertEquals(1.5, ledger.filter().spent());
      }
    }
  }

  @Test
  void aZeroFilledTailIsATornWrite() throws IOException {
    Path file = fiveSpends();
    Files.write(file, new byte[100], StandardOpenOption.APPEND);
    assertEquals(100, PrivacyLedger.read(file).tornTailBytes());
    try (PrivacyLedger ledger = PrivacyLedger.open(file, new SumAccountant())) {
      assertEquals(100, ledger.discardedTailBytes());
      assertEquals(1.25, ledger.filter().spent());
    }
  }

  @Test
  void aCorruptByteInTheMiddleMakesOpeningFail() throws IOException {
    Path file = fiveSpends();
    byte[] good = Files.readAllBytes(file);
    List<Integer> starts = recordStarts(good);
    byte[] bad = good.clone();
    bad[starts.get(2) + 20] ^= 0x40; // inside record 3's payload
    Files.write(file, bad);
    InvalidLedgerException e =
        assertThrows(
            InvalidLedgerException.class, () -> PrivacyLedger.open(file, new SumAccountant()));
    assertEquals(
        file
            + ": record 3 at byte "
            + starts.get(2)
            + " is corrupt: its checksum does not match,"
            + " and "
            + (good.length - starts.get(3))
            + " bytes of later records follow; refusing"
            + " to open a ledger that would lose spent budget",
        e.getMessage());
    assertEquals(Arrays.toString(bad), Arrays.toString(Files.readAllBytes(file)), "not repaired");
    assertThrows(InvalidLedgerException.class, () -> PrivacyLedger.read(file));
  }

  /**
   * Exhaustive: flipping any single bit of any byte before the final record makes opening fail; no
   * damaged ledger ever opens with less than its acknowledged spend.
   */
  @Test
  void everySingleBitFlipBeforeTheLastRecordIsDetected() throws IOException {
    byte[] good = Files.readAllBytes(fiveSpends());
    int lastRecordStart = recordStarts(good).get(4);
    Path file = dir.resolve("flipped");
    for (int i = 0; i < lastRecordStart; i++) {
      for (int bit = 0; bit < 8; bit += 3) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        try {
          LedgerFormat.parse(file, bad);
        } catch (InvalidLedgerException expected) {
          continue;
        }
        throw new AssertionError("flip of bit " + bit + " at byte " + i + " was not detected");
      }
    }
  }

  @Test
  void inconsistentRecordsWithValidChecksumsAreRejected() throws IOException {
    Path file = dir.resolve("forged.ledger");
    LedgerHeader header =
        new LedgerHeader(
            1,
            BudgetMode.LIMITED,
            2.0,
            1e-6,
            NeighbouringRelation.ADD_OR_REMOVE_ONE,
            SumAccountant.class.getName(),
            Instant.EPOCH);
    PrivacyEvent e = EpsilonDeltaEvent.pure(0.25);
    // A gap in the sequence numbers.
    write(
        file,
        header,
        new LedgerRecord(1, RecordKind.SPEND, Instant.EPOCH, 0, "a", e, 0.25),
        new LedgerRecord(3, RecordKind.SPEND, Instant.EPOCH, 0, "a", e, 0.5));
    assertTrue(
        assertThrows(InvalidLedgerException.class, () -> PrivacyLedger.read(file))
            .getMessage()
            .contains("has sequence number 3; records must be numbered 1, 2, 3, ... without gaps"));
    // Releasing a reservation that was never made.
    write(file, header, new LedgerRecord(1, RecordKind.RELEASE, Instant.EPOCH, 7, "a", e, 0.0));
    assertTrue(
        assertThrows(InvalidLedgerException.class, () -> PrivacyLedger.read(file))
            .getMessage()
            .contains("is a RELEASE of reservation 7, which is not an open reservation"));
    // A recorded total larger than the accountant's replay: refuse to under-report.
    write(file, header, new LedgerRecord(1, RecordKind.SPEND, Instant.EPOCH, 0, "a", e, 1.5));
    InvalidLedgerException under =
        assertThrows(
            InvalidLedgerException.class, () -> PrivacyLedger.open(file, new SumAccountant()));
    assertTrue(
        under.getMessage().contains("gives epsilon 0.25, less than the 1.5 the ledger recorded"),
        under.getMessage());
  }

  @Test
  void aSlightlyHigherRecordedTotalIsKeptAsAFloor() throws IOException {
    Path file = dir.resolve("floor.ledger");
    LedgerHeader header =
        new LedgerHeader(
            1,
            BudgetMode.LIMITED,
            2.0,
            1e-6,
            NeighbouringRelation.ADD_OR_REMOVE_ONE,
            SumAccountant.class.getName(),
            Instant.EPOCH);
    double recorded = Math.nextUp(0.25);
    write(
        file,
        header,
        new LedgerRecord(
            1, RecordKind.SPEND, Instant.EPOCH, 0, "a", EpsilonDeltaEvent.pure(0.25), recorded));
    try (PrivacyLedger ledger = PrivacyLedger.open(file, new SumAccountant())) {
      assertEquals(recorded, ledger.filter().spent(), "never below what the ledger recorded");
    }
  }

  private static void write(Path file, LedgerHeader header, LedgerRecord... records)
      throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4096);
    b.put(LedgerFormat.encodeHeader(header));
    for (LedgerRecord r : records) {
      b.put(LedgerFormat.encodeRecord(r));
    }
    Files.write(file, Arrays.copyOf(b.array(), b.position()));
  }

  /** Byte offsets where each record frame starts. */
  static List<Integer> recordStarts(byte[] ledger) {
    ByteBuffer b = ByteBuffer.wrap(ledger);
    int nameLength = Short.toUnsignedInt(b.getShort(LedgerFormat.HEADER_FIXED - 2));
    int pos = LedgerFormat.HEADER_FIXED + nameLength + 4;
    List<Integer> starts = new java.util.ArrayList<>();
    while (pos < ledger.length) {
      starts.add(pos);
      pos += LedgerFormat.FRAME_OVERHEAD + b.getInt(pos);
    }
    return starts;
  }

  @Test
  void theHeaderStartsWithTheDocumentedMagicAndVersion() throws IOException {
    byte[] bytes = Files.readAllBytes(fiveSpends());
    assertEquals("DP4JLDGR", new String(bytes, 0, 8, StandardCharsets.US_ASCII));
    assertEquals(1, ByteBuffer.wrap(bytes).getShort(8));
    assertEquals(1, bytes[10], "mode LIMITED");
    assertEquals(1, bytes[11], "relation ADD_OR_REMOVE_ONE");
    assertEquals(2.0, ByteBuffer.wrap(bytes).getDouble(12));
    assertEquals(1e-6, ByteBuffer.wrap(bytes).getDouble(20));
  }

  /** A different accountant class, for the class-mismatch check. */
  private static final class OtherAccountant implements PrivacyAccountant {
    private final SumAccountant inner = new SumAccountant();

    @Override
    public NeighbouringRelation relation() {
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
      return new OtherAccountant();
    }
  }
}

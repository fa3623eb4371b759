package org.dp4j.core.budget;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;

/**
 * A persistent, append-only journal behind a {@link PrivacyFilter}: the budget survives restarts
 * and crashes.
 *
 * <p>Every operation of {@link #filter()} (spend, reservation, commit, release) appends one record
 * (time, label, event, running spent epsilon) protected by CRC32C checksums. Spends and reservations
 * are forced to stable storage ({@link FileChannel#force(boolean) force(true)}) before they return,
 * so an acknowledged spend is never lost; concurrent spends share one force. Commits and releases
 * are not forced: losing one only makes a reopened ledger charge the reservation (pessimistic).
 *
 * <p>Opening replays every record into a fresh accountant of the class named in the header.
 * Reservations left open by a crash are charged permanently. A final record torn by a crash (never
 * acknowledged) is detected and cut off; a damaged record followed by others makes opening fail
 * with {@link InvalidLedgerException}, because dropping it could hide spent budget. An exclusive
 * {@link FileLock} stops two processes (or two ledgers in one JVM) from using one file; it is held
 * until {@link #close()}.
 *
 * <p>The format ({@value #FORMAT_VERSION}) is documented byte by byte in {@code docs/budget.md}.
 *
 * <p>Thread-safe. After {@link #close()} the filter still answers queries but refuses to record.
 * A failed write or force (including {@link java.nio.channels.ClosedByInterruptException}: a
 * thread interrupted inside an operation closes the file, as every {@link FileChannel} does) leaves
 * the ledger <em>failed</em>: it refuses every later operation until it is reopened.
 */
public final class PrivacyLedger implements Closeable {

  /** The file format version this class writes and reads. */
  public static final int FORMAT_VERSION = LedgerFormat.VERSION;

  /**
   * Relative tolerance when checking a replayed epsilon against the one recorded: floating-point
   * composition may differ in the last bits when reservations replay in another order.
   */
  private static final double REPLAY_TOLERANCE = 1e-9;

  private final Path file;
  private final FileChannel channel;
  private final FileLock fileLock;
  private final LedgerHeader header;
  private final long discardedTailBytes;
  private final Journal journal;
  private final PrivacyFilter filter;

  private PrivacyLedger(
      Path file,
      FileChannel channel,
      FileLock fileLock,
      LedgerHeader header,
      long discardedTailBytes,
      long position,
      PrivacyAccountant replayed,
      long nextSequence,
      long nextReservationId,
      double epsilonFloor) {
    this.file = file;
    this.channel = channel;
    this.fileLock = fileLock;
    this.header = header;
    this.discardedTailBytes = discardedTailBytes;
    this.journal = new Journal(position);
    this.filter =
        new PrivacyFilter(
            header.mode(),
            header.budget().orElse(null),
            header.targetDelta(),
            replayed,
            journal,
            Clock.systemUTC(),
            nextSequence,
            nextReservationId,
            epsilonFloor);
  }

  /**
   * Creates a new ledger file for a limited budget and opens it.
   *
   * @param file the file to create; it must not exist
   * @param accountant an accountant with no events; reopening needs an empty accountant of the
   *     same class (its name is recorded in the header)
   * @param budget the total budget; epsilon is stated at {@code budget.delta()}
   * @return the open ledger; close it
   * @throws java.nio.file.FileAlreadyExistsException when the file exists
   * @throws IllegalArgumentException when the accountant already holds events
   * @throws IOException when the file cannot be written
   */
  public static PrivacyLedger create(Path file, PrivacyAccountant accountant, PrivacyBudget budget)
      throws IOException {
    Checks.notNull("budget", budget);
    return create(file, accountant, BudgetMode.LIMITED, budget.epsilon(), budget.delta());
  }

  /**
   * Creates a new report-only (odometer) ledger file and opens it. It never refuses a spend.
   *
   * @param file the file to create; it must not exist
   * @param accountant an empty accountant
   * @param targetDelta the delta at which epsilon is reported, in {@code [0, 1)}
   * @return the open ledger; close it
   * @throws java.nio.file.FileAlreadyExistsException when the file exists
   * @throws IOException when the file cannot be written
   */
  public static PrivacyLedger createOdometer(
      Path file, PrivacyAccountant accountant, double targetDelta) throws IOException {
    Checks.delta("targetDelta", targetDelta);
    return create(
        file, accountant, BudgetMode.ODOMETER, Double.POSITIVE_INFINITY, targetDelta);
  }

  private static PrivacyLedger create(
      Path file, PrivacyAccountant accountant, BudgetMode mode, double epsilon, double delta)
      throws IOException {
    Checks.notNull("file", file);
    requireEmpty(accountant);
    LedgerHeader header =
        new LedgerHeader(
            FORMAT_VERSION,
            mode,
            epsilon,
            delta,
            accountant.relation(),
            accountant.getClass().getName(),
            Instant.now().truncatedTo(ChronoUnit.MILLIS));
    byte[] headerBytes = LedgerFormat.encodeHeader(header);
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    boolean ok = false;
    try {
      FileLock lock = lock(file, channel);
      writeFully(channel, ByteBuffer.wrap(headerBytes), 0);
      channel.force(true);
      forceDirectory(file);
      PrivacyLedger ledger =
          new PrivacyLedger(
              file,
              channel,
              lock,
              header,
              0,
              headerBytes.length,
              accountant.copy(),
              1,
              1,
              0.0);
      ok = true;
      return ledger;
    } finally {
      if (!ok) {
        channel.close();
        Files.deleteIfExists(file);
      }
    }
  }

  /**
   * Opens an existing ledger, replaying its records into a copy of {@code accountant}.
   *
   * @param file the ledger file
   * @param accountant an empty accountant of the class named in the header, with the same
   *     neighbouring relation
   * @return the open ledger; close it
   * @throws java.nio.file.NoSuchFileException when the file does not exist
   * @throws InvalidLedgerException when the file is not a ledger, has another format version, is
   *     damaged (other than a torn final record), or replays to less epsilon than recorded
   * @throws IllegalArgumentException when the accountant is not empty or does not match the header
   * @throws IllegalStateException when another process or ledger holds the file's lock
   * @throws IOException when reading fails
   */
  public static PrivacyLedger open(Path file, PrivacyAccountant accountant) throws IOException {
    Checks.notNull("file", file);
    requireEmpty(accountant);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    boolean ok = false;
    try {
      FileLock lock = lock(file, channel);
      LedgerFormat.Parsed parsed = LedgerFormat.parse(file, readFully(file, channel));
      LedgerHeader header = parsed.header();
      Checks.require(
          accountant.getClass().getName().equals(header.accountant()),
          "accountant",
          "an instance of " + header.accountant() + " (the class that wrote " + file + ")",
          accountant.getClass().getName());
      Checks.require(
          accountant.relation() == header.relation(),
          "accountant relation",
          header.relation() + " as recorded in " + file,
          accountant.relation());
      PrivacyAccountant replayed = replay(file, accountant.copy(), parsed);
      if (parsed.tornTailBytes() > 0) {
        channel.truncate(parsed.validLength());
        channel.force(true);
      }
      long nextSequence = parsed.records().size() + 1L;
      PrivacyLedger ledger =
          new PrivacyLedger(
              file,
              channel,
              lock,
              header,
              parsed.tornTailBytes(),
              parsed.validLength(),
              replayed,
              nextSequence,
              parsed.maxReservationId() + 1,
              recordedEpsilon(parsed));
      ok = true;
      return ledger;
    } finally {
      if (!ok) {
        channel.close();
      }
    }
  }

  /**
   * Reads a ledger without opening it for writing: no lock, no accountant, no replay. Safe on a
   * ledger in use (a record being written shows up as a torn tail and is ignored).
   *
   * @param file the ledger file
   * @return its header and records
   * @throws InvalidLedgerException when the file is not a valid ledger
   * @throws IOException when it cannot be read
   */
  public static LedgerContents read(Path file) throws IOException {
    Checks.notNull("file", file);
    byte[] bytes = Files.readAllBytes(file);
    LedgerFormat.Parsed parsed = LedgerFormat.parse(file, bytes);
    return new LedgerContents(file, parsed.header(), parsed.records(), parsed.tornTailBytes());
  }

  /** The filter whose operations this ledger records. */
  public PrivacyFilter filter() {
    return filter;
  }

  /** The ledger file. */
  public Path file() {
    return file;
  }

  /** The file's header. */
  public LedgerHeader header() {
    return header;
  }

  /** Bytes of a torn final record cut off when this ledger was opened (0 normally). */
  public long discardedTailBytes() {
    return discardedTailBytes;
  }

  /** Whether the ledger accepts operations (not closed and no write has failed). */
  public boolean isWritable() {
    return !journal.closed && journal.failure == null;
  }

  /**
   * Forces every record to disk, releases the lock and closes the file. Idempotent. Later
   * operations on {@link #filter()} throw {@link IllegalStateException}; queries still work.
   */
  @Override
  public void close() throws IOException {
    filter.runLocked(() -> journal.closed = true);
    try {
      journal.awaitDurable(journal.writtenPosition);
    } catch (UncheckedIOException e) {
      // Already recorded as the journal's failure; closing proceeds.
    } finally {
      try {
        if (fileLock.isValid()) {
          fileLock.release();
        }
      } finally {
        channel.close();
      }
    }
  }

  @Override
  public String toString() {
    return "PrivacyLedger[" + file + ", " + filter + "]";
  }

  // ---- replay ----

  private static PrivacyAccountant replay(
      Path file, PrivacyAccountant accountant, LedgerFormat.Parsed parsed)
      throws InvalidLedgerException {
    try {
      // Spends and committed reservations in record order; released reservations never.
      for (LedgerRecord r : parsed.records()) {
        if (r.kind() == RecordKind.SPEND || r.kind() == RecordKind.COMMIT) {
          accountant.compose(r.event());
        }
      }
      // Reservations never committed or released (a crash): charged permanently.
      for (Map.Entry<Long, PrivacyEvent> open : parsed.openReservations().entrySet()) {
        accountant.compose(open.getValue());
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidLedgerException(
          file, "replay failed: the accountant rejects a recorded event: " + e.getMessage(), e);
    }
    double replayed = accountant.epsilon(parsed.header().targetDelta());
    double recorded = recordedEpsilon(parsed);
    if (!(replayed >= recorded * (1 - REPLAY_TOLERANCE))) {
      throw new InvalidLedgerException(
          file,
          "replaying with "
              + accountant.getClass().getName()
              + " gives epsilon "
              + replayed
              + ", less than the "
              + recorded
              + " the ledger recorded; refusing to under-report (another accountant version?)");
    }
    return accountant;
  }

  private static double recordedEpsilon(LedgerFormat.Parsed parsed) {
    return parsed.records().isEmpty()
        ? 0.0
        : parsed.records().get(parsed.records().size() - 1).spentEpsilonAfter();
  }

  // ---- file helpers ----

  private static void requireEmpty(PrivacyAccountant accountant) {
    Checks.notNull("accountant", accountant);
    int events = accountant.events().size();
    Checks.require(
        events == 0,
        "accountant",
        "empty (the ledger holds the whole history)",
        events + " composed events");
  }

  private static FileLock lock(Path file, FileChannel channel) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new IllegalStateException(
          "ledger "
              + file
              + " is in use: another process or another open PrivacyLedger in this JVM holds"
              + " its lock");
    }
    return lock;
  }

  private static byte[] readFully(Path file, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size > Integer.MAX_VALUE - 16) {
      throw new InvalidLedgerException(file, "the ledger is too large to open (" + size + " bytes)");
    }
    ByteBuffer buffer = ByteBuffer.allocate((int) size);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, buffer.position()) < 0) {
        break;
      }
    }
    if (buffer.hasRemaining()) {
      throw new IOException(file + ": the file shrank while it was read");
    }
    return buffer.array();
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }

  /** Makes the new file's directory entry durable; best effort where directories cannot sync. */
  private static void forceDirectory(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null) {
      return;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms (Windows) cannot open or sync a directory; the file itself is forced.
    }
  }

  // ---- the journal: ordered appends under the filter's lock, group-committed forces ----

  private final class Journal implements SpendJournal {

    /** Written end of the file; changed only under the filter's lock. */
    private volatile long writtenPosition;

    private volatile boolean closed;
    private volatile IOException failure;

    private final ReentrantLock forceLock = new ReentrantLock();
    private final Condition forced = forceLock.newCondition();
    private long durablePosition;
    private boolean forcing;

    Journal(long position) {
      this.writtenPosition = position;
      this.durablePosition = position;
    }

    @Override
    public void ensureWritable() {
      if (failure != null) {
        throw new IllegalStateException(
            "ledger " + file + " has failed (" + failure.getMessage()
                + "); nothing more can be recorded; reopen it",
            failure);
      }
      if (closed) {
        throw new IllegalStateException("ledger " + file + " is closed");
      }
    }

    @Override
    public long append(LedgerRecord entry) {
      byte[] bytes = LedgerFormat.encodeRecord(entry);
      try {
        writeFully(channel, ByteBuffer.wrap(bytes), writtenPosition);
      } catch (IOException e) {
        failure = e;
        throw new UncheckedIOException("ledger " + file + ": cannot write record", e);
      }
      writtenPosition += bytes.length;
      return writtenPosition;
    }

    @Override
    public void awaitDurable(long ticket) {
      forceLock.lock();
      try {
        while (durablePosition < ticket) {
          if (failure != null) {
            throw new UncheckedIOException(
                "ledger " + file + ": cannot force records to disk", failure);
          }
          if (forcing) {
            forced.awaitUninterruptibly();
            continue;
          }
          forcing = true;
          long target = writtenPosition;
          forceLock.unlock();
          IOException error = null;
          try {
            channel.force(true);
          } catch (IOException e) {
            error = e;
          } finally {
            forceLock.lock();
            forcing = false;
            if (error == null) {
              durablePosition = Math.max(durablePosition, target);
            } else if (failure == null) {
              failure = error;
            }
            forced.signalAll();
          }
        }
      } finally {
        forceLock.unlock();
      }
    }
  }
}

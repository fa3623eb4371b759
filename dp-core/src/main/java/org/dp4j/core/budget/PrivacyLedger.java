package org.dp4j.core.budget;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
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
 * (time, label, event, running spent epsilon) protected by CRC32C checksums. Spends and
 * reservations are forced to stable storage ({@link FileChannel#force(boolean) force(true)}) before
 * they return, so an acknowledged spend is never lost; concurrent spends share one force. Commits
 * and releases are not forced: losing one only makes a reopened ledger charge the reservation
 * (pessimistic).
 *
 * <p>Opening replays every record into a fresh accountant of the class named in the header.
 * Reservations left open by a crash are charged permanently. A final record torn by a crash (never
 * acknowledged) is detected and cut off; a damaged record followed by others makes opening fail
 * with {@link InvalidLedgerException}, because dropping it could hide spent budget. An exclusive
 * {@link FileLock} stops two processes (or two ledgers in one JVM) from using one file; it is held
 * until {@link #close()}, and a second opener gets {@link LedgerLockedException}.
 *
 * <p>{@link #openOrCreate} is the usual entry point: it creates the file on the first run and
 * reopens it on later runs, checking that the file's header agrees with the budget and accountant
 * given ({@link LedgerMismatchException} otherwise). File-system failures are thrown as the JDK's
 * {@link FileSystemException} subclasses with a reason: {@link NoSuchFileException} ("no such
 * ledger file", "the folder F does not exist"), {@link AccessDeniedException} ("permission
 * denied"), {@link FileAlreadyExistsException}, or a plain {@link FileSystemException} ("it is a
 * folder, not a ledger file").
 *
 * <p>The format ({@value #FORMAT_VERSION}) is documented byte by byte in {@code docs/budget.md}.
 *
 * <p>Thread-safe. After {@link #close()} the filter still answers queries but refuses to record. A
 * failed write or force (including {@link java.nio.channels.ClosedByInterruptException}: a thread
 * interrupted inside an operation closes the file, as every {@link FileChannel} does) leaves the
 * ledger <em>failed</em>: it refuses every later operation until it is reopened.
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
   * @param accountant an accountant with no events; reopening needs an empty accountant of the same
   *     class (its name is recorded in the header)
   * @param budget the total budget; epsilon is stated at {@code budget.delta()}
   * @return the open ledger; close it
   * @throws FileAlreadyExistsException when the file exists
   * @throws NoSuchFileException when its folder does not exist
   * @throws AccessDeniedException when the folder cannot be written
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
   * @throws FileAlreadyExistsException when the file exists
   * @throws NoSuchFileException when its folder does not exist
   * @throws AccessDeniedException when the folder cannot be written
   * @throws IOException when the file cannot be written
   */
  public static PrivacyLedger createOdometer(
      Path file, PrivacyAccountant accountant, double targetDelta) throws IOException {
    Checks.delta("targetDelta", targetDelta);
    return create(file, accountant, BudgetMode.ODOMETER, Double.POSITIVE_INFINITY, targetDelta);
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
    FileChannel channel;
    try {
      channel =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
    } catch (FileSystemException e) {
      throw explained(file, e, "cannot create the ledger");
    }
    boolean ok = false;
    try {
      FileLock lock = lock(file, channel);
      writeFully(channel, ByteBuffer.wrap(headerBytes), 0);
      channel.force(true);
      forceDirectory(file);
      PrivacyLedger ledger =
          new PrivacyLedger(
              file, channel, lock, header, 0, headerBytes.length, accountant.copy(), 1, 1, 0.0);
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
   * @throws NoSuchFileException when the file (or its folder) does not exist
   * @throws AccessDeniedException when the file cannot be read and written
   * @throws InvalidLedgerException when the file is not a ledger, has another format version, is
   *     damaged (other than a torn final record), or replays to less epsilon than recorded
   * @throws IllegalArgumentException when the accountant is not empty; {@link
   *     LedgerMismatchException} when its class or relation differs from the header's
   * @throws LedgerLockedException when another process or ledger holds the file's lock
   * @throws IOException when reading fails (a {@link FileSystemException} when the path is a
   *     folder)
   */
  public static PrivacyLedger open(Path file, PrivacyAccountant accountant) throws IOException {
    Checks.notNull("file", file);
    requireEmpty(accountant);
    FileChannel channel = openChannel(file);
    boolean ok = false;
    try {
      FileLock lock = lock(file, channel);
      LedgerFormat.Parsed parsed = LedgerFormat.parse(file, readFully(file, channel));
      LedgerHeader header = parsed.header();
      if (!accountant.getClass().getName().equals(header.accountant())) {
        throw new LedgerMismatchException(
            file,
            "accountant",
            "an instance of " + header.accountant(),
            accountant.getClass().getName());
      }
      if (accountant.relation() != header.relation()) {
        throw new LedgerMismatchException(
            file,
            "accountant relation",
            header.relation().toString(),
            accountant.relation().toString());
      }
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
   * Opens the ledger at {@code file}, or creates it with {@code budget} when there is no file: the
   * call for a program that charges the same budget on every run.
   *
   * <p>An existing file must have been created for exactly this budget (same epsilon and delta,
   * limited mode), by an accountant of the same class with the same neighbouring relation;
   * otherwise nothing is changed and {@link LedgerMismatchException} names the setting, the
   * recorded value and the given one. When two processes race to create the file, one creates it
   * and the other opens it (or gets {@link LedgerLockedException} while the first holds it).
   *
   * @param file the ledger file; its folder must exist
   * @param accountant an empty accountant; its class and relation are recorded in a new file and
   *     checked against an existing one
   * @param budget the total budget; epsilon is stated at {@code budget.delta()}
   * @return the open ledger; close it
   * @throws LedgerMismatchException when an existing file records another budget, mode, accountant
   *     class or relation
   * @throws LedgerLockedException when another process or ledger holds the file's lock
   * @throws InvalidLedgerException when the existing file is not a valid ledger
   * @throws IOException as for {@link #create} and {@link #open}
   */
  public static PrivacyLedger openOrCreate(
      Path file, PrivacyAccountant accountant, PrivacyBudget budget) throws IOException {
    Checks.notNull("file", file);
    Checks.notNull("budget", budget);
    requireEmpty(accountant);
    if (!Files.exists(file)) {
      try {
        return create(file, accountant, budget);
      } catch (FileAlreadyExistsException e) {
        // Created by another process since the check: open it below.
      }
    }
    PrivacyLedger ledger = open(file, accountant);
    return requireHeader(ledger, BudgetMode.LIMITED, budget.epsilon(), budget.delta());
  }

  /**
   * The odometer counterpart of {@link #openOrCreate}: opens the report-only ledger at {@code
   * file}, or creates it. An existing file must be an odometer with the same target delta, written
   * by an accountant of the same class and relation.
   *
   * @param file the ledger file; its folder must exist
   * @param accountant an empty accountant
   * @param targetDelta the delta at which epsilon is reported, in {@code [0, 1)}
   * @return the open ledger; close it
   * @throws LedgerMismatchException when an existing file is limited, or records another delta,
   *     accountant class or relation
   * @throws LedgerLockedException when another process or ledger holds the file's lock
   * @throws InvalidLedgerException when the existing file is not a valid ledger
   * @throws IOException as for {@link #createOdometer} and {@link #open}
   */
  public static PrivacyLedger openOrCreateOdometer(
      Path file, PrivacyAccountant accountant, double targetDelta) throws IOException {
    Checks.notNull("file", file);
    Checks.delta("targetDelta", targetDelta);
    requireEmpty(accountant);
    if (!Files.exists(file)) {
      try {
        return createOdometer(file, accountant, targetDelta);
      } catch (FileAlreadyExistsException e) {
        // Created by another process since the check: open it below.
      }
    }
    PrivacyLedger ledger = open(file, accountant);
    return requireHeader(ledger, BudgetMode.ODOMETER, Double.POSITIVE_INFINITY, targetDelta);
  }

  /** Returns {@code ledger} when its header has this mode, epsilon and delta; else closes it. */
  private static PrivacyLedger requireHeader(
      PrivacyLedger ledger, BudgetMode mode, double epsilon, double delta) throws IOException {
    LedgerHeader h = ledger.header();
    if (h.mode() == mode && h.budgetEpsilon() == epsilon && h.targetDelta() == delta) {
      return ledger;
    }
    ledger.close();
    String setting = mode == BudgetMode.LIMITED ? "budget" : "odometer target delta";
    throw new LedgerMismatchException(
        ledger.file(),
        setting,
        describe(h.mode(), h.budgetEpsilon(), h.targetDelta()),
        describe(mode, epsilon, delta));
  }

  private static String describe(BudgetMode mode, double epsilon, double delta) {
    return mode == BudgetMode.LIMITED
        ? "epsilon " + epsilon + " at delta " + delta
        : "an odometer (no limit) at delta " + delta;
  }

  /**
   * Reads a ledger without opening it for writing: no lock, no accountant, no replay. Safe on a
   * ledger in use (a record being written shows up as a torn tail and is ignored).
   *
   * @param file the ledger file
   * @return its header and records
   * @throws NoSuchFileException when the file (or its folder) does not exist
   * @throws InvalidLedgerException when the file is not a valid ledger
   * @throws IOException when it cannot be read (a {@link FileSystemException} with the reason)
   */
  public static LedgerContents read(Path file) throws IOException {
    Checks.notNull("file", file);
    if (Files.isDirectory(file)) {
      throw new FileSystemException(file.toString(), null, "it is a folder, not a ledger file");
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (FileSystemException e) {
      throw explained(file, e, "cannot read the ledger");
    }
    LedgerFormat.Parsed parsed = LedgerFormat.parse(file, bytes);
    return new LedgerContents(file, parsed.header(), parsed.records(), parsed.tornTailBytes());
  }

  /** {@return the filter whose operations this ledger records} */
  public PrivacyFilter filter() {
    return filter;
  }

  /** {@return the ledger file} */
  public Path file() {
    return file;
  }

  /** {@return the file's header} */
  public LedgerHeader header() {
    return header;
  }

  /** {@return the bytes of a torn final record cut off when this ledger was opened (0 normally)} */
  public long discardedTailBytes() {
    return discardedTailBytes;
  }

  /** {@return whether the ledger accepts operations (it is not closed and no write has failed)} */
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

  private static FileChannel openChannel(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new FileSystemException(file.toString(), null, "it is a folder, not a ledger file");
    }
    try {
      return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (FileSystemException e) {
      throw explained(file, e, "cannot open the ledger");
    }
  }

  /**
   * The same kind of exception with a reason a person can act on: the JDK's {@link
   * NoSuchFileException} and {@link AccessDeniedException} usually carry only the path.
   */
  static FileSystemException explained(Path file, FileSystemException e, String action) {
    Path folder = file.toAbsolutePath().getParent();
    String name = file.toString();
    FileSystemException explained;
    if (e instanceof NoSuchFileException) {
      explained =
          folder != null && !Files.isDirectory(folder)
              ? new NoSuchFileException(
                  name,
                  null,
                  action
                      + ": "
                      + (Files.exists(folder)
                          ? folder + " is not a folder"
                          : "the folder " + folder + " does not exist"))
              : new NoSuchFileException(name, null, action + ": no such ledger file");
    } else if (e instanceof AccessDeniedException) {
      explained = new AccessDeniedException(name, null, action + ": permission denied");
    } else if (e instanceof FileAlreadyExistsException) {
      explained =
          new FileAlreadyExistsException(
              name, null, action + ": the file already exists" + " (open it, or use openOrCreate)");
    } else {
      String reason = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
      explained =
          new FileSystemException(name, null, action + ": " + reason.toLowerCase(Locale.ROOT));
    }
    explained.initCause(e);
    return explained;
  }

  private static FileLock lock(Path file, FileChannel channel) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new LedgerLockedException(file);
    }
    return lock;
  }

  private static byte[] readFully(Path file, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size > Integer.MAX_VALUE - 16) {
      throw new InvalidLedgerException(
          file, "the ledger is too large to open (" + size + " bytes)");
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
            "ledger "
                + file
                + " has failed ("
                + failure.getMessage()
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

package org.dp4j.core.budget;

import java.nio.file.Path;

/**
 * An existing ledger file was opened with settings that contradict its header: another budget,
 * mode, target delta, accountant class or neighbouring relation. The ledger is left closed and
 * unchanged. The message names the setting, what the file records and what was given, for example
 * {@code budget must equal the one ledger L was created with, epsilon 3.0 at delta 1.0E-5, got
 * epsilon 8.0 at delta 1.0E-5}.
 *
 * <p>It is an {@link IllegalArgumentException} (the caller's argument disagrees with the file).
 */
public final class LedgerMismatchException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /** The argument that disagrees with the header. */
  private final String setting;

  /** What the header records, in words. */
  private final String recorded;

  /** What the caller passed, in words. */
  private final String given;

  /**
   * @param file the ledger file
   * @param setting the argument that disagrees, for example {@code "budget"} or {@code
   *     "accountant"}
   * @param recorded what the header records, in words
   * @param given what the caller passed, in words
   */
  public LedgerMismatchException(Path file, String setting, String recorded, String given) {
    super(
        setting
            + " must equal the one ledger "
            + file
            + " was created with, "
            + recorded
            + ", got "
            + given);
    this.file = file;
    this.setting = setting;
    this.recorded = recorded;
    this.given = given;
  }

  /** {@return the ledger file} */
  public Path file() {
    return file;
  }

  /** {@return the argument that disagrees with the header} */
  public String setting() {
    return setting;
  }

  /** {@return what the header records, in words} */
  public String recorded() {
    return recorded;
  }

  /** {@return what the caller passed, in words} */
  public String given() {
    return given;
  }
}

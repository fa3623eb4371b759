package org.dp4j.core.budget;

import java.nio.file.Path;

/**
 * A ledger file is locked: another process, or another open {@link PrivacyLedger} in this JVM,
 * holds its exclusive lock. Nothing was read or changed; retry once the other user has closed it.
 *
 * <p>It is an {@link IllegalStateException} (the state of the file, not the arguments, is wrong),
 * so callers that caught that type before this class existed still catch it.
 */
public final class LedgerLockedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * @param file the ledger file whose lock could not be taken
   */
  public LedgerLockedException(Path file) {
    super(
        "ledger "
            + file
            + " is in use: it is locked by another process or by another open"
            + " PrivacyLedger in this JVM");
    this.file = file;
  }

  /** {@return the ledger file} */
  public Path file() {
    return file;
  }
}

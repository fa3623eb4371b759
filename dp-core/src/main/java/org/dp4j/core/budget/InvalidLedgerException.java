package org.dp4j.core.budget;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file is not a dp4j ledger, has an unsupported format version, or is damaged in a way that could
 * hide spent budget (for example a record in the middle that fails its checksum). Opening refuses
 * such a file rather than guess; the message names the file, the byte offset and the rule broken.
 */
public final class InvalidLedgerException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * @param file the ledger file
   * @param problem what is wrong, in one sentence
   */
  public InvalidLedgerException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  /**
   * @param file the ledger file
   * @param problem what is wrong, in one sentence
   * @param cause the underlying error
   */
  public InvalidLedgerException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** {@return the ledger file} */
  public Path file() {
    return file;
  }
}

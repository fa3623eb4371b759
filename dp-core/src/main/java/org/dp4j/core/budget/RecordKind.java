package org.dp4j.core.budget;

/**
 * What one operation on a {@link PrivacyFilter} did, as written to a {@link PrivacyLedger}. Each
 * kind has a stable one-byte code in the ledger format ({@code docs/budget.md}); never reorder or
 * reuse codes.
 */
public enum RecordKind {
  /** A spend: the event is permanently charged. */
  SPEND(1),
  /** A reservation: the event is charged until released. */
  RESERVE(2),
  /** A reservation made permanent. */
  COMMIT(3),
  /** A reservation returned to the budget. */
  RELEASE(4);

  private final int code;

  RecordKind(int code) {
    this.code = code;
  }

  /** {@return the byte written for this kind in the ledger format} */
  public int code() {
    return code;
  }

  /**
   * The kind with the given ledger code.
   *
   * @param code a byte read from a ledger
   * @return the kind it stands for
   * @throws IllegalArgumentException for an unknown code
   */
  public static RecordKind fromCode(int code) {
    for (RecordKind kind : values()) {
      if (kind.code == code) {
        return kind;
      }
    }
    throw new IllegalArgumentException("record kind code must be 1, 2, 3 or 4, got " + code);
  }
}

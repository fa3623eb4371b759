package org.dp4j.core.budget;

/**
 * Where a {@link PrivacyFilter} writes its operations before acknowledging them. Package-private:
 * the only implementation is {@link PrivacyLedger}'s.
 */
interface SpendJournal {

  /** Throws {@link IllegalStateException} when nothing more may be appended (closed or failed). */
  void ensureWritable();

  /**
   * Writes one record (not yet necessarily durable). Called with the filter's lock held, so records
   * are appended in operation order.
   *
   * @return a ticket to pass to {@link #awaitDurable(long)}
   * @throws java.io.UncheckedIOException when the write fails; the journal is then failed
   */
  long append(LedgerRecord entry);

  /**
   * Blocks until the record with the given ticket is on stable storage. Called without the filter's
   * lock, so concurrent callers share one force (group commit).
   *
   * @throws java.io.UncheckedIOException when forcing fails; the journal is then failed
   */
  void awaitDurable(long ticket);
}

/**
 * Privacy budgets that refuse overspending, and a crash-safe ledger behind them.
 *
 * <p>{@link org.dp4j.core.budget.PrivacyFilter} wraps any {@link
 * org.dp4j.core.accounting.PrivacyAccountant} and a total {@link org.dp4j.core.PrivacyBudget}:
 * {@code spend(event, label)} atomically checks, records and returns a {@link
 * org.dp4j.core.budget.SpendReceipt}, or throws {@link
 * org.dp4j.core.budget.PrivacyBudgetExceededException} and changes nothing. Releases that can fail
 * after the check use {@link org.dp4j.core.budget.Reservation}s; exploration without a limit uses
 * {@link org.dp4j.core.budget.BudgetMode#ODOMETER}.
 *
 * <p>{@link org.dp4j.core.budget.PrivacyLedger} makes a filter durable: one checksummed record per
 * operation in an append-only file, forced to disk before the operation returns, replayed on open,
 * guarded by an exclusive file lock. {@link org.dp4j.core.budget.EventCodec} is the stable,
 * versioned binary encoding of every {@link org.dp4j.core.event.PrivacyEvent}. The file format is
 * documented byte by byte in {@code docs/budget.md}.
 */
package org.dp4j.core.budget;

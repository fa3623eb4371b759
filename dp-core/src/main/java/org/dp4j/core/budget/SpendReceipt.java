package org.dp4j.core.budget;

import java.time.Instant;
import org.dp4j.core.event.PrivacyEvent;

/**
 * Proof that a {@link PrivacyFilter} recorded an operation (a spend, or a reservation's commit).
 *
 * <p>Epsilons are the filter's accountant's upper bounds at {@code targetDelta}, in nats; they are
 * {@code +Infinity} only for an {@link BudgetMode#ODOMETER odometer} that recorded an event with no
 * finite guarantee. For a commit both epsilons are equal, because a reservation is charged when it
 * is made.
 *
 * @param sequenceNumber the operation's position in the filter's history, from 1; a ledger record
 *     has the same number
 * @param label the caller's label for the release
 * @param event the recorded event
 * @param time when the operation was recorded (UTC, millisecond precision in a ledger)
 * @param epsilonBefore spent epsilon just before this operation
 * @param epsilonAfter spent epsilon just after it
 * @param targetDelta the delta at which the filter states epsilon
 */
public record SpendReceipt(
    long sequenceNumber,
    String label,
    PrivacyEvent event,
    Instant time,
    double epsilonBefore,
    double epsilonAfter,
    double targetDelta) {}

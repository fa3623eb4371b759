package org.dp4j.core.budget;

import java.time.Instant;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;

/**
 * One operation of a {@link PrivacyFilter}, as journalled in a {@link PrivacyLedger}.
 *
 * @param sequenceNumber position in the history, from 1, consecutive
 * @param kind what the operation did
 * @param time when it was recorded (UTC; a ledger keeps milliseconds)
 * @param reservationId the reservation's id for {@code RESERVE}, {@code COMMIT} and {@code
 *     RELEASE}; 0 for {@code SPEND}
 * @param label the caller's label
 * @param event the event spent or reserved (for commit and release: the reservation's event)
 * @param spentEpsilonAfter the filter's spent epsilon at its target delta after the operation, in
 *     nats; {@code +Infinity} is possible only in odometer mode
 */
public record LedgerRecord(
    long sequenceNumber,
    RecordKind kind,
    Instant time,
    long reservationId,
    String label,
    PrivacyEvent event,
    double spentEpsilonAfter) {

  /**
   * Validates the fields.
   *
   * @param sequenceNumber positive
   * @param kind not null
   * @param time not null
   * @param reservationId 0 exactly for {@code SPEND}, positive otherwise
   * @param label not null
   * @param event not null
   * @param spentEpsilonAfter non-negative (NaN is refused)
   * @throws IllegalArgumentException when a field breaks its rule
   * @throws NullPointerException when a field is null
   */
  public LedgerRecord {
    Checks.positive("sequenceNumber", sequenceNumber);
    Checks.notNull("kind", kind);
    Checks.notNull("time", time);
    Checks.nonNegative("reservationId", reservationId);
    Checks.require(
        (kind == RecordKind.SPEND) == (reservationId == 0),
        "reservationId",
        "0 exactly for SPEND records (" + kind + ")",
        reservationId);
    Checks.notNull("label", label);
    Checks.notNull("event", event);
    Checks.nonNegative("spentEpsilonAfter", spentEpsilonAfter);
  }
}

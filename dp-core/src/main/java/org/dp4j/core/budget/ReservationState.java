package org.dp4j.core.budget;

/**
 * The life cycle of a {@link Reservation}: {@code OPEN -> COMMITTED} or {@code OPEN -> RELEASED}.
 */
public enum ReservationState {
  /** Counted as spent; may still be committed or released. */
  OPEN,
  /** Permanently spent. */
  COMMITTED,
  /** Returned to the budget; the reserved release must not have happened. */
  RELEASED
}

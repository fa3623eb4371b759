package org.dp4j.core.budget;

import org.dp4j.core.event.PrivacyEvent;

/**
 * Budget set aside by {@link PrivacyFilter#reserve} for a release that may still fail. While {@link
 * ReservationState#OPEN open} the event counts as spent. {@link #commit()} makes it permanent;
 * {@link #release()} returns it to the budget and must only be called when the release did not (and
 * will not) happen. A reservation that is neither committed nor released stays charged; a {@link
 * PrivacyLedger} reopened after a crash charges it permanently.
 *
 * <p>Thread-safe: state changes go through the owning filter's lock.
 */
public final class Reservation {

  private final PrivacyFilter filter;
  private final long id;
  private final PrivacyEvent event;
  private final String label;
  private volatile ReservationState state = ReservationState.OPEN;

  Reservation(PrivacyFilter filter, long id, PrivacyEvent event, String label) {
    this.filter = filter;
    this.id = id;
    this.event = event;
    this.label = label;
  }

  /** {@return the reservation's id, unique within its filter (and ledger), from 1} */
  public long id() {
    return id;
  }

  /** {@return the reserved event} */
  public PrivacyEvent event() {
    return event;
  }

  /** {@return the label given at reservation} */
  public String label() {
    return label;
  }

  /** {@return the current state: open, committed or released} */
  public ReservationState state() {
    return state;
  }

  /** {@return the filter that made this reservation} */
  public PrivacyFilter filter() {
    return filter;
  }

  /**
   * Makes the reservation a permanent spend. The spent epsilon does not change.
   *
   * @return the receipt of the commit
   * @throws IllegalStateException when the reservation is not open, or the filter's ledger is
   *     closed or failed; nothing changes
   */
  public SpendReceipt commit() {
    return filter.commit(this);
  }

  /**
   * Returns the reserved budget. Only call this when the release did not happen: releasing the
   * budget of a published result breaks the guarantee.
   *
   * @throws IllegalStateException when the reservation is not open, or the filter's ledger is
   *     closed or failed; nothing changes
   */
  public void release() {
    filter.release(this);
  }

  void setState(ReservationState newState) {
    state = newState;
  }

  @Override
  public String toString() {
    return "Reservation[id=" + id + ", label=" + label + ", event=" + event + ", " + state + "]";
  }
}

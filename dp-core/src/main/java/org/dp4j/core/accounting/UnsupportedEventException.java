package org.dp4j.core.accounting;

import org.dp4j.core.event.PrivacyEvent;

/** Thrown when an accountant is given an event it cannot analyse; the accountant is unchanged. */
public final class UnsupportedEventException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final transient PrivacyEvent event;

  /**
   * @param accountant the rejecting accountant's name, e.g. {@code "RdpAccountant"}
   * @param event the rejected event
   * @param reason why, in one sentence
   */
  public UnsupportedEventException(String accountant, PrivacyEvent event, String reason) {
    super(accountant + " cannot account for " + event + ": " + reason);
    this.event = event;
  }

  /** {@return the rejected event} */
  public PrivacyEvent event() {
    return event;
  }
}

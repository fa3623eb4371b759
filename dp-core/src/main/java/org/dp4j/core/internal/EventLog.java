package org.dp4j.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.dp4j.core.event.PrivacyEvent;

/** The ordered record of events an accountant has composed. Not thread-safe. Not public API. */
public final class EventLog {

  private final List<PrivacyEvent> events;

  /** An empty log. */
  public EventLog() {
    this.events = new ArrayList<>();
  }

  private EventLog(List<PrivacyEvent> events) {
    this.events = new ArrayList<>(events);
  }

  /** Appends one event. */
  public void add(PrivacyEvent event) {
    events.add(Checks.notNull("event", event));
  }

  /** An immutable snapshot, in order. */
  public List<PrivacyEvent> snapshot() {
    return Collections.unmodifiableList(new ArrayList<>(events));
  }

  /** An independent copy. */
  public EventLog copy() {
    return new EventLog(events);
  }
}

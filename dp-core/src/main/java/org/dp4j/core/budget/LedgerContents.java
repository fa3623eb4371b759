package org.dp4j.core.budget;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A read-only view of a ledger file, from {@link PrivacyLedger#read(Path)}; needs no accountant.
 *
 * @param file the file read
 * @param header the header
 * @param records every complete, checksummed record, in order
 * @param tornTailBytes bytes after the last complete record that belong to a write that did not
 *     finish (ignored; 0 for a cleanly written file)
 */
public record LedgerContents(
    Path file, LedgerHeader header, List<LedgerRecord> records, long tornTailBytes) {

  /** Copies the record list. */
  public LedgerContents {
    records = List.copyOf(records);
  }

  /** Spent epsilon at the header's target delta, as recorded by the last record (0 if none). */
  public double spentEpsilon() {
    return records.isEmpty() ? 0.0 : records.get(records.size() - 1).spentEpsilonAfter();
  }

  /**
   * Epsilon left of a limited budget, rounded down as {@link PrivacyFilter#remaining()} does;
   * {@code +Infinity} for an odometer.
   */
  public double remainingEpsilon() {
    if (header.mode() == BudgetMode.ODOMETER) {
      return Double.POSITIVE_INFINITY;
    }
    return PrivacyFilter.remainingEpsilon(header.budgetEpsilon(), spentEpsilon());
  }

  /** The number of spends plus reservations (commits and releases not counted). */
  public long spendCount() {
    return records.stream()
        .filter(r -> r.kind() == RecordKind.SPEND || r.kind() == RecordKind.RESERVE)
        .count();
  }

  /**
   * Ids of reservations neither committed nor released. They count as spent; when the ledger is
   * reopened they are charged permanently.
   */
  public Set<Long> openReservationIds() {
    Set<Long> open = new LinkedHashSet<>();
    for (LedgerRecord r : records) {
      if (r.kind() == RecordKind.RESERVE) {
        open.add(r.reservationId());
      } else if (r.kind() != RecordKind.SPEND) {
        open.remove(r.reservationId());
      }
    }
    return open;
  }

  /** Per-label totals in order of first appearance; see {@link LabelSummary} for attribution. */
  public List<LabelSummary> byLabel() {
    Map<String, long[]> counts = new LinkedHashMap<>();
    Map<String, Double> epsilons = new LinkedHashMap<>();
    double previous = 0.0;
    for (LedgerRecord r : records) {
      double after = r.spentEpsilonAfter();
      double increment;
      if (previous == Double.POSITIVE_INFINITY) {
        increment = after == Double.POSITIVE_INFINITY ? 0.0 : after - previous;
      } else {
        increment = after - previous;
      }
      previous = after;
      counts.computeIfAbsent(r.label(), k -> new long[1]);
      if (r.kind() == RecordKind.SPEND || r.kind() == RecordKind.RESERVE) {
        counts.get(r.label())[0]++;
      }
      epsilons.merge(r.label(), increment, Double::sum);
    }
    List<LabelSummary> result = new ArrayList<>();
    for (Map.Entry<String, long[]> e : counts.entrySet()) {
      result.add(new LabelSummary(e.getKey(), e.getValue()[0], epsilons.get(e.getKey())));
    }
    return result;
  }
}

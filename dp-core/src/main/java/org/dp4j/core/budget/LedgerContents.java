package org.dp4j.core.budget;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /** A step label: {@code "<run> step <k>"} with a decimal step number. */
  private static final Pattern STEP_LABEL = Pattern.compile("(.+) step ([0-9]{1,18})");

  /**
   * Copies the record list.
   *
   * @param file the file read
   * @param header the header
   * @param records the records, in order; copied
   * @param tornTailBytes bytes of an unfinished final write, 0 for a cleanly written file
   */
  public LedgerContents {
    records = List.copyOf(records);
  }

  /**
   * {@return the spent epsilon at the header's target delta, as recorded by the last record (0 if
   * none)}
   */
  public double spentEpsilon() {
    return records.isEmpty() ? 0.0 : records.get(records.size() - 1).spentEpsilonAfter();
  }

  /**
   * {@return the epsilon left of a limited budget, rounded down as {@link
   * PrivacyFilter#remaining()} does; {@code +Infinity} for an odometer}
   */
  public double remainingEpsilon() {
    if (header.mode() == BudgetMode.ODOMETER) {
      return Double.POSITIVE_INFINITY;
    }
    return PrivacyFilter.remainingEpsilon(header.budgetEpsilon(), spentEpsilon());
  }

  /** {@return the number of spends plus reservations (commits and releases not counted)} */
  public long spendCount() {
    return records.stream()
        .filter(r -> r.kind() == RecordKind.SPEND || r.kind() == RecordKind.RESERVE)
        .count();
  }

  /**
   * {@return the ids of reservations neither committed nor released} They count as spent; when the
   * ledger is reopened they are charged permanently.
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

  /**
   * {@return per-label totals in order of first appearance} See {@link LabelSummary} for
   * attribution.
   */
  public List<LabelSummary> byLabel() {
    return summarise(false);
  }

  /**
   * Per-label totals in which the steps of each training run form one row: the labels {@code "<run>
   * step <k>"} ({@code k} a decimal number), as {@code DpSgdOptimizer} writes them, are grouped by
   * {@code <run>}, and a step number that does not increase starts a new run of that name. The
   * row's label is {@code "<run> steps <first>..<last>"} ({@code "<run> step <k>"} for a single
   * step), followed by {@code " (run <n>)"} from the second run of the same name on. So the old
   * labels {@code "dp-sgd step <k>"}, which carry no run name, still show one row per run. Other
   * labels are summed as in {@link #byLabel()}. Rows are in order of first appearance.
   *
   * @return one row per run and per other label
   */
  public List<LabelSummary> byRun() {
    return summarise(true);
  }

  /** A row of a summary: a plain label, or run {@code ordinal} of a step-label prefix. */
  private record GroupKey(String label, int ordinal) {}

  private static final class Group {
    private final String name;
    private final int ordinal;
    private final boolean steps;
    private long firstStep;
    private long lastStep;
    private long spends;
    private double epsilon;

    Group(String name, int ordinal, boolean steps, long firstStep) {
      this.name = name;
      this.ordinal = ordinal;
      this.steps = steps;
      this.firstStep = firstStep;
      this.lastStep = firstStep;
    }

    LabelSummary summary() {
      if (!steps) {
        return new LabelSummary(name, spends, epsilon);
      }
      String range =
          firstStep == lastStep ? " step " + firstStep : " steps " + firstStep + ".." + lastStep;
      return new LabelSummary(
          name + range + (ordinal > 1 ? " (run " + ordinal + ")" : ""), spends, epsilon);
    }
  }

  private List<LabelSummary> summarise(boolean groupRuns) {
    Map<GroupKey, Group> groups = new LinkedHashMap<>();
    Map<String, GroupKey> currentRun = new LinkedHashMap<>();
    Map<String, Integer> runsOfName = new LinkedHashMap<>();
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
      boolean charge = r.kind() == RecordKind.SPEND || r.kind() == RecordKind.RESERVE;
      Matcher m = groupRuns ? STEP_LABEL.matcher(r.label()) : null;
      Group group;
      if (m != null && m.matches()) {
        String run = m.group(1);
        long step = Long.parseLong(m.group(2));
        GroupKey key = currentRun.get(run);
        Group current = key == null ? null : groups.get(key);
        if (current == null || (charge && step <= current.lastStep)) {
          int ordinal = runsOfName.merge(run, 1, Integer::sum);
          key = new GroupKey(run, ordinal);
          current = new Group(run, ordinal, true, step);
          groups.put(key, current);
          currentRun.put(run, key);
        }
        if (charge) {
          current.lastStep = Math.max(current.lastStep, step);
        }
        group = current;
      } else {
        group =
            groups.computeIfAbsent(
                new GroupKey(r.label(), 0), k -> new Group(k.label(), 0, false, 0));
      }
      if (charge) {
        group.spends++;
      }
      group.epsilon += increment;
    }
    List<LabelSummary> result = new ArrayList<>(groups.size());
    for (Group g : groups.values()) {
      result.add(g.summary());
    }
    return result;
  }
}

package org.dp4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.dp4j.core.budget.BudgetMode;
import org.dp4j.core.budget.InvalidLedgerException;
import org.dp4j.core.budget.LabelSummary;
import org.dp4j.core.budget.LedgerContents;
import org.dp4j.core.budget.LedgerHeader;
import org.dp4j.core.budget.PrivacyLedger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dp4j ledger}: inspect privacy ledgers written by {@link PrivacyLedger}. Its one subcommand
 * is {@code show FILE [--json]}. User errors print one line to stderr and exit with status 2.
 */
@Command(
    name = "ledger",
    description = "Inspect a dp4j privacy ledger (see docs/budget.md).",
    mixinStandardHelpOptions = true,
    subcommands = {LedgerCommand.Show.class})
public final class LedgerCommand implements Callable<Integer> {

  /** Exit status for user errors (bad arguments, missing or invalid files), as picocli uses. */
  public static final int USER_ERROR = 2;

  @Spec private CommandSpec spec;

  /** For picocli. */
  public LedgerCommand() {}

  /** Without a subcommand: print usage to stderr and exit 2. */
  @Override
  public Integer call() {
    spec.commandLine()
        .getErr()
        .println("dp4j ledger: missing subcommand (try: dp4j ledger show FILE)");
    return USER_ERROR;
  }

  /** {@code dp4j ledger show FILE [--json]}. */
  @Command(
      name = "show",
      description =
          "Print a ledger's budget, what was spent (per label) and what remains. Reads without"
              + " locking, so it also works on a ledger in use.",
      mixinStandardHelpOptions = true)
  public static final class Show implements Callable<Integer> {

    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The ledger file.")
    private Path file;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    private boolean json;

    /** For picocli. */
    public Show() {}

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      LedgerContents contents;
      try {
        contents = PrivacyLedger.read(file);
      } catch (InvalidLedgerException | FileSystemException e) {
        err.println("dp4j ledger show: " + e.getMessage()); // "FILE: reason"
        return USER_ERROR;
      } catch (IOException e) {
        err.println("dp4j ledger show: " + file + ": cannot read the ledger: " + e.getMessage());
        return USER_ERROR;
      }
      if (json) {
        out.println(toJson(contents));
      } else {
        printText(contents, out);
      }
      out.flush();
      return 0;
    }
  }

  static void printText(LedgerContents c, PrintWriter out) {
    LedgerHeader h = c.header();
    out.println(
        "ledger      "
            + c.file()
            + " (format "
            + h.formatVersion()
            + ", created "
            + h.created()
            + ")");
    out.println("accountant  " + h.accountant() + " (" + h.relation() + ")");
    if (h.mode() == BudgetMode.LIMITED) {
      out.println("budget      epsilon " + h.budgetEpsilon() + " at delta " + h.targetDelta());
    } else {
      out.println("budget      none: ODOMETER (report only), epsilon at delta " + h.targetDelta());
    }
    Set<Long> open = c.openReservationIds();
    out.println(
        "spent       epsilon "
            + c.spentEpsilon()
            + " ("
            + c.spendCount()
            + " spends"
            + (open.isEmpty() ? "" : "; " + open.size() + " open reservation(s), counted as spent")
            + ")");
    out.println("remaining   epsilon " + format(c.remainingEpsilon()));
    if (c.tornTailBytes() > 0) {
      out.println(
          "note        ignored "
              + c.tornTailBytes()
              + " bytes of a torn final record (an unacknowledged write)");
    }
    List<LabelSummary> labels = c.byRun();
    if (!labels.isEmpty()) {
      int width = Math.max(5, labels.stream().mapToInt(s -> s.label().length()).max().orElse(5));
      out.println();
      out.println(
          "per label, the steps of each training run on one row (epsilon attributed by "
              + "marginal cost):");
      out.println(
          String.format(Locale.ROOT, "  %-" + width + "s  %8s  %s", "label", "spends", "epsilon"));
      for (LabelSummary s : labels) {
        out.println(
            String.format(
                Locale.ROOT,
                "  %-" + width + "s  %8d  %s",
                s.label(),
                s.spends(),
                format(s.attributedEpsilon())));
      }
    }
  }

  static String toJson(LedgerContents c) {
    LedgerHeader h = c.header();
    StringBuilder b = new StringBuilder(256);
    b.append('{');
    field(b, "file", string(c.file().toString())).append(',');
    field(b, "formatVersion", Integer.toString(h.formatVersion())).append(',');
    field(b, "created", string(h.created().toString())).append(',');
    field(b, "accountant", string(h.accountant())).append(',');
    field(b, "relation", string(h.relation().name())).append(',');
    field(b, "mode", string(h.mode().name())).append(',');
    number(b, "targetDelta", h.targetDelta()).append(',');
    field(
            b,
            "budgetEpsilon",
            h.mode() == BudgetMode.LIMITED ? Json.number(h.budgetEpsilon()) : "null")
        .append(',');
    number(b, "spentEpsilon", c.spentEpsilon()).append(',');
    number(b, "remainingEpsilon", c.remainingEpsilon()).append(',');
    field(b, "spends", Long.toString(c.spendCount())).append(',');
    b.append("\"openReservations\":[");
    boolean first = true;
    for (long id : c.openReservationIds()) {
      b.append(first ? "" : ",").append(id);
      first = false;
    }
    b.append("],");
    field(b, "tornTailBytes", Long.toString(c.tornTailBytes())).append(',');
    b.append("\"labels\":[");
    first = true;
    for (LabelSummary s : c.byRun()) {
      b.append(first ? "{" : ",{");
      first = false;
      field(b, "label", string(s.label())).append(',');
      field(b, "spends", Long.toString(s.spends())).append(',');
      number(b, "attributedEpsilon", s.attributedEpsilon()).append('}');
    }
    b.append("]}");
    return b.toString();
  }

  private static StringBuilder field(StringBuilder b, String name, String jsonValue) {
    return b.append('"').append(name).append("\":").append(jsonValue);
  }

  /** A number field by the CLI's JSON convention (see {@link Json}). */
  private static StringBuilder number(StringBuilder b, String name, double x) {
    field(b, name, Json.number(x));
    if (!Double.isFinite(x)) {
      b.append(',');
      field(b, Json.nonFiniteKey(name), string(Json.nonFiniteName(x)));
    }
    return b;
  }

  private static String format(double x) {
    return Double.toString(x);
  }

  /** A JSON string literal (labels have no control characters; others are escaped anyway). */
  private static String string(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '"' || ch == '\\') {
        b.append('\\').append(ch);
      } else if (ch < 0x20) {
        b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
      } else {
        b.append(ch);
      }
    }
    return b.append('"').toString();
  }
}

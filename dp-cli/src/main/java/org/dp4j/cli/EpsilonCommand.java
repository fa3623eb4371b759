package org.dp4j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.accounting.UnsupportedEventException;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.accounting.pld.PldEpsilon;
import org.dp4j.core.accounting.rdp.EpsilonAndOrder;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.event.GaussianEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dp4j epsilon}: the epsilon of DP-SGD (Poisson-subsampled Gaussian steps). */
@Command(
    name = "epsilon",
    mixinStandardHelpOptions = true,
    description = {
      "Epsilon spent by DP-SGD: STEPS Poisson-subsampled Gaussian steps.",
      "Either give one configuration with the four flags, or --batch FILE (CSV with header"
          + " sampling_rate,noise_multiplier,steps,delta; '-' reads standard input): the output is"
          + " the input CSV with a last column epsilon."
    })
final class EpsilonCommand implements Callable<Integer> {

  static final List<String> BATCH_COLUMNS =
      List.of("sampling_rate", "noise_multiplier", "steps", "delta");

  /** U+FEFF, the byte-order mark some programs write at the start of a UTF-8 file. */
  private static final String BYTE_ORDER_MARK = "\uFEFF";

  @Option(
      names = "--sampling-rate",
      paramLabel = "Q",
      description = "Poisson sampling rate, in (0, 1].")
  Double samplingRate;

  @Option(
      names = "--noise-multiplier",
      paramLabel = "S",
      description = "Noise std / L2 clip norm, >= 0.")
  Double noiseMultiplier;

  @Option(names = "--steps", paramLabel = "N", description = "Number of steps, >= 1.")
  Long steps;

  @Option(names = "--delta", paramLabel = "D", description = "Target delta, in (0, 1).")
  Double delta;

  @Option(
      names = "--batch",
      paramLabel = "FILE",
      description = "CSV of configurations ('-' for stdin).")
  String batch;

  @Option(
      names = "--accountant",
      paramLabel = "rdp|pld",
      defaultValue = "rdp",
      completionCandidates = AccountantOption.Candidates.class,
      description = "Accountant: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  AccountantOption accountant;

  @Option(
      names = "--relation",
      paramLabel = "REL",
      defaultValue = "add-remove",
      converter = RelationOption.Converter.class,
      completionCandidates = RelationOption.Candidates.class,
      description = "Neighbouring relation: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  RelationOption relation;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (batch != null) {
      if (samplingRate != null
          || noiseMultiplier != null
          || steps != null
          || delta != null
          || json) {
        throw new UserError(
            "--batch cannot be combined with --sampling-rate, --noise-multiplier, --steps, --delta"
                + " or --json");
      }
      runBatch(out);
      return 0;
    }
    double q = Flags.samplingRate("--sampling-rate", required("--sampling-rate", samplingRate));
    double s =
        Flags.nonNegativeFinite(
            "--noise-multiplier", required("--noise-multiplier", noiseMultiplier));
    long n = Flags.steps("--steps", required("--steps", steps));
    double d = Flags.delta("--delta", required("--delta", delta));
    PrivacyAccountant acc = compose(q, s, n);
    double eps;
    Double order = null;
    PldEpsilon bound = null;
    if (acc instanceof RdpAccountant rdp) {
      EpsilonAndOrder best = rdp.epsilonAndOrder(d);
      eps = best.epsilon();
      order = best.order();
    } else if (acc instanceof PldAccountant pld) {
      bound = pld.epsilonBound(d);
      eps = bound.epsilon();
    } else {
      eps = acc.epsilon(d);
    }
    if (json) {
      JsonObject o =
          new JsonObject()
              .put("epsilon", eps)
              .put("delta", d)
              .put("sampling_rate", q)
              .put("noise_multiplier", s)
              .put("steps", n)
              .put("accountant", accountant.label())
              .put("relation", relation.flagValue());
      if (order != null) {
        o.put("optimal_order", order);
      }
      if (bound != null) {
        putBound(o, bound);
      }
      out.println(o);
    } else {
      out.println("epsilon: " + eps);
      out.println("delta: " + d);
      if (order != null) {
        out.println("optimal RDP order: " + order);
      }
      if (bound != null) {
        out.println("bound: " + bound.describe());
      }
      out.println(
          "accountant: "
              + accountant.label()
              + ", relation: "
              + relation.flagValue()
              + ", "
              + n
              + " steps at sampling rate "
              + q
              + " with noise multiplier "
              + s);
    }
    return 0;
  }

  /** The JSON fields saying which bound a PLD epsilon is: "pld" or "rdp", and why. */
  static void putBound(JsonObject o, PldEpsilon bound) {
    o.put("bound", bound.bound().name().toLowerCase(Locale.ROOT))
        .put("pld_grid", bound.grid().name().toLowerCase(Locale.ROOT).replace('_', '-'))
        .put("pld_epsilon", bound.pldEpsilon());
    if (!Double.isNaN(bound.rdpEpsilon())) {
      o.put("rdp_epsilon", bound.rdpEpsilon());
    }
  }

  private PrivacyAccountant compose(double q, double s, long n) {
    PrivacyAccountant acc = accountant.kind().create(relation.relation());
    try {
      acc.compose(new GaussianEvent(s).poissonSampled(q).repeated(n));
    } catch (UnsupportedEventException e) {
      throw new UserError(
          "--relation " + relation.flagValue() + " is not supported here: " + e.getMessage());
    }
    return acc;
  }

  private void runBatch(PrintWriter out) {
    try (BufferedReader reader = new BufferedReader(open(batch))) {
      readBatch(reader, out);
    } catch (IOException e) {
      throw new UserError("--batch " + batch + " cannot be read: " + describe(e));
    } catch (UncheckedIOException e) {
      throw new UserError("--batch " + batch + " cannot be read: " + describe(e.getCause()));
    }
  }

  private void readBatch(BufferedReader reader, PrintWriter out) throws IOException {
    String header = reader.readLine();
    if (header == null) {
      throw new UserError(
          "--batch " + batch + " is empty: expected a header " + String.join(",", BATCH_COLUMNS));
    }
    if (header.startsWith(BYTE_ORDER_MARK)) {
      // Spreadsheet programs often save UTF-8 CSV with a byte-order mark: it is not data.
      header = header.substring(BYTE_ORDER_MARK.length());
    }
    List<String> columns = Arrays.asList(header.trim().split(",", -1));
    int[] index = new int[BATCH_COLUMNS.size()];
    for (int i = 0; i < index.length; i++) {
      index[i] = columns.indexOf(BATCH_COLUMNS.get(i));
      if (index[i] < 0) {
        throw new UserError(
            "--batch "
                + batch
                + " header must contain "
                + String.join(",", BATCH_COLUMNS)
                + ", got "
                + header);
      }
    }
    out.println(header.trim() + ",epsilon");
    String line;
    int lineNumber = 1;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.trim().split(",", -1);
      if (cells.length != columns.size()) {
        throw new UserError(
            "--batch line "
                + lineNumber
                + " must have "
                + columns.size()
                + " cells, got "
                + cells.length);
      }
      String where = "--batch line " + lineNumber + " column ";
      double q =
          Flags.samplingRate(
              where + "sampling_rate", parseDouble(where + "sampling_rate", cells[index[0]]));
      double s =
          Flags.nonNegativeFinite(
              where + "noise_multiplier", parseDouble(where + "noise_multiplier", cells[index[1]]));
      long n = Flags.steps(where + "steps", parseLong(where + "steps", cells[index[2]]));
      double d = Flags.delta(where + "delta", parseDouble(where + "delta", cells[index[3]]));
      out.println(line.trim() + "," + compose(q, s, n).epsilon(d));
    }
  }

  private static Reader open(String file) throws IOException {
    if (file.equals("-")) {
      return new InputStreamReader(System.in, StandardCharsets.UTF_8);
    }
    Path path;
    try {
      path = Path.of(file);
    } catch (InvalidPathException e) {
      throw new UserError(
          "--batch must name a readable file, got '" + file + "' (" + e.getReason() + ")");
    }
    if (Files.isDirectory(path)) {
      throw new UserError("--batch must name a readable file, got a directory: " + file);
    }
    try {
      return Files.newBufferedReader(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UserError("--batch file not found: " + file);
    } catch (AccessDeniedException e) {
      throw new UserError("--batch file is not readable (permission denied): " + file);
    }
  }

  /** The reason of an I/O failure in words, without the exception class. */
  private static String describe(IOException e) {
    if (e instanceof MalformedInputException) {
      return "it is not UTF-8 text";
    }
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  private static double parseDouble(String what, String text) {
    try {
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new UserError(what + " must be a number, got '" + text + "'");
    }
  }

  private static long parseLong(String what, String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new UserError(what + " must be an integer, got '" + text + "'");
    }
  }

  static <T> T required(String flag, T value) {
    if (value == null) {
      throw new UserError("missing required option " + flag + " (or use --batch FILE)");
    }
    return value;
  }
}

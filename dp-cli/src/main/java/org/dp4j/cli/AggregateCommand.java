package org.dp4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.BasicCompositionAccountant;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.accounting.rdp.ZcdpAccountant;
import org.dp4j.core.budget.InvalidLedgerException;
import org.dp4j.core.budget.LedgerHeader;
import org.dp4j.core.budget.PrivacyLedger;
import org.dp4j.mechanisms.aggregation.Bounds;
import org.dp4j.mechanisms.aggregation.NoiseKind;
import org.dp4j.spark.DpAggregation;
import org.dp4j.spark.Metric;
import org.dp4j.spark.PartitionSelection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dp4j aggregate}: a private group-by query on Spark (embedded {@code local[*]} by default,
 * a cluster with {@code --master}), written as CSV with the privacy statement. Without {@code
 * --input} it runs on the embedded example (visits to a shop during one week).
 *
 * <p>Everything that does not depend on the data (flags, metrics, bounds, files, columns and their
 * types, the ledger's relation) is checked before any budget is spent; such errors exit with status
 * 2 and one line. CSV columns get declared types: the metrics' value columns double, every other
 * column string. Bad rows are handled by {@link DpAggregation}'s rule (dropped), never reported.
 */
@Command(
    name = "aggregate",
    mixinStandardHelpOptions = true,
    description = {
      "Private group-by statistics of a CSV or Parquet file on Spark: counts, distinct units, "
          + "sums, means, variances and quantiles per group, under one (epsilon, delta) budget "
          + "for adding or removing one privacy unit with all its rows.",
      "Without --input: the embedded example (visits to a shop, one week), with --privacy-unit "
          + "visitor_id --group-by day --metric count --metric distinct-units --metric "
          + "sum:spent:0:60 --metric mean:spent:0:60 --max-groups-per-unit 3 unless given."
    })
final class AggregateCommand implements Callable<Integer> {

  /** The example query's defaults. */
  static final List<String> EXAMPLE_METRICS =
      List.of("count", "distinct-units", "sum:spent:0:60", "mean:spent:0:60");

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description =
          "A .csv or .csv.gz file (or folder) with a header, or a .parquet file or "
              + "folder. CSV value columns are read as double, all other columns as string.")
  String input;

  @Option(
      names = "--privacy-unit",
      paramLabel = "COL",
      description = "The column identifying the person whose rows are protected together.")
  String privacyUnit;

  @Option(
      names = "--group-by",
      paramLabel = "COL[,COL...]",
      split = ",",
      description = "The group-by columns.")
  List<String> groupBy;

  @Option(
      names = "--metric",
      paramLabel = "SPEC",
      description =
          "Repeatable: count, distinct-units, sum:COL:LOWER:UPPER, mean:COL:LOWER:UPPER,"
              + " variance:COL:LOWER:UPPER, quantiles:COL:LOWER:UPPER:Q[,Q...]. Values are clamped"
              + " to [LOWER, UPPER], which must not be chosen by looking at the data.")
  List<String> metrics;

  @Option(
      names = "--epsilon",
      paramLabel = "E",
      defaultValue = "1",
      description = "Epsilon of the whole query, positive (default: ${DEFAULT-VALUE}).")
  double epsilon;

  @Option(
      names = "--delta",
      paramLabel = "D",
      defaultValue = "1e-6",
      description =
          "Delta of the whole query, in [0, 1); 0 (pure DP) needs --public-groups "
              + "(default: ${DEFAULT-VALUE}).")
  double delta;

  @Option(
      names = "--max-groups-per-unit",
      paramLabel = "K",
      description = "Groups one unit may contribute to (default 1; 3 for the example).")
  Integer maxGroupsPerUnit;

  @Option(
      names = "--max-rows-per-group",
      paramLabel = "M",
      defaultValue = "1",
      description = "Rows one unit may contribute to one group (default: ${DEFAULT-VALUE}).")
  int maxRowsPerGroup;

  @Option(
      names = "--public-groups",
      paramLabel = "FILE",
      description =
          "A CSV file whose header names the group-by columns: exactly these groups are released"
              + " (absent ones with noise only). Without it, groups are selected privately.")
  Path publicGroups;

  @Option(
      names = "--partition-selection",
      paramLabel = "RULE",
      converter = SelectionConverter.class,
      description = "gaussian-threshold (default with Gaussian noise) or truncated-geometric.")
  PartitionSelection selection;

  @Option(
      names = "--noise",
      paramLabel = "gaussian|laplace",
      description = "Noise of counts and sums (default gaussian, laplace when --delta is 0).")
  NoiseKind noise;

  @Option(
      names = "--ledger",
      paramLabel = "FILE",
      description =
          "Privacy ledger to charge the query to (created with the --epsilon/--delta "
              + "budget, or opened and continued).")
  Path ledger;

  @Option(
      names = "--confidence",
      description =
          "Add 95% confidence intervals (_low, _high) for counts, sums and means; they "
              + "cover the noise only.")
  boolean confidence;

  @Option(
      names = "--output",
      paramLabel = "FILE.csv",
      description = "Write the released groups as CSV (else print them as a table).")
  Path output;

  @Option(
      names = "--master",
      paramLabel = "URL",
      defaultValue = "local[*]",
      description = "Spark master (default: ${DEFAULT-VALUE}, embedded).")
  String master;

  @Option(names = "--verbose", description = "Show Spark's log lines and stack traces.")
  boolean verbose;

  @Spec CommandSpec spec;

  /** Converts the partition-selection names. */
  static final class SelectionConverter
      implements picocli.CommandLine.ITypeConverter<PartitionSelection> {
    @Override
    public PartitionSelection convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "gaussian-threshold" -> PartitionSelection.GAUSSIAN_THRESHOLD;
        case "truncated-geometric" -> PartitionSelection.TRUNCATED_GEOMETRIC;
        default ->
            throw new picocli.CommandLine.TypeConversionException(
                "must be gaussian-threshold or truncated-geometric, got " + value);
      };
    }
  }

  @Override
  public Integer call() throws Exception {
    // 1. Everything that needs neither Spark nor data.
    boolean example = input == null;
    String unit = privacyUnit != null ? privacyUnit : example ? "visitor_id" : null;
    List<String> groups = groupBy != null ? groupBy : example ? List.of("day") : null;
    List<String> metricSpecs = metrics != null ? metrics : example ? EXAMPLE_METRICS : null;
    if (unit == null) {
      throw new UserError("--privacy-unit must be given with --input, got nothing");
    }
    if (groups == null || groups.isEmpty() || groups.stream().anyMatch(String::isBlank)) {
      throw UserError.flag(
          "--group-by",
          "one or more column names",
          groups == null ? "nothing" : String.join(",", groups));
    }
    if (metricSpecs == null || metricSpecs.isEmpty()) {
      throw new UserError("--metric must be given at least once with --input, got nothing");
    }
    List<Metric> parsed = new ArrayList<>();
    for (String m : metricSpecs) {
      parsed.add(MetricSpec.parse(m));
    }
    Flags.positiveFinite("--epsilon", epsilon);
    if (!(delta >= 0 && delta < 1)) {
      throw UserError.flag("--delta", "in [0, 1)", delta);
    }
    int k = maxGroupsPerUnit != null ? maxGroupsPerUnit : example ? 3 : 1;
    if (k < 1 || k > DpAggregation.MAX_CONTRIBUTION_LIMIT) {
      throw UserError.flag("--max-groups-per-unit", "in [1, 1000000]", k);
    }
    if (maxRowsPerGroup < 1 || maxRowsPerGroup > DpAggregation.MAX_CONTRIBUTION_LIMIT) {
      throw UserError.flag("--max-rows-per-group", "in [1, 1000000]", maxRowsPerGroup);
    }
    if (delta == 0 && publicGroups == null) {
      throw new UserError(
          "--delta 0 (pure DP) must be used with --public-groups, got none "
              + "(private partition selection needs a positive delta)");
    }
    if (selection != null && publicGroups != null) {
      throw new UserError("--partition-selection must not be used with --public-groups, got both");
    }
    if (publicGroups != null && !Files.isRegularFile(publicGroups)) {
      throw UserError.flag("--public-groups", "a readable file", publicGroups);
    }
    if (output != null) {
      Path parent = output.toAbsolutePath().getParent();
      if (parent == null || !Files.isDirectory(parent)) {
        throw UserError.flag("--output", "in an existing directory", output);
      }
      if (Files.isDirectory(output)) {
        throw UserError.flag("--output", "a file, not a directory", output);
      }
    }
    InputKind kind = example ? InputKind.CSV : InputKind.of(input);
    if (!example && isLocal(input) && !Files.exists(Path.of(input))) {
      throw UserError.flag("--input", "an existing file or folder", input);
    }
    LedgerPlan ledgerPlan = LedgerPlan.of(ledger, epsilon, delta);

    return new AggregateRun(
            new AggregateRun.Request(
                example,
                input,
                kind,
                unit,
                groups,
                parsed,
                PrivacyBudget.approximate(epsilon, delta),
                k,
                maxRowsPerGroup,
                publicGroups,
                selection,
                noise,
                ledger,
                ledgerPlan,
                confidence,
                output,
                master,
                verbose),
            spec.commandLine().getOut(),
            spec.commandLine().getErr())
        .run();
  }

  static boolean isLocal(String path) {
    return !path.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
  }

  /** The input formats. */
  enum InputKind {
    CSV,
    PARQUET;

    static InputKind of(String path) {
      String p = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
      if (p.endsWith(".csv") || p.endsWith(".csv.gz")) {
        return CSV;
      }
      if (p.endsWith(".parquet")) {
        return PARQUET;
      }
      throw UserError.flag("--input", "a .csv, .csv.gz or .parquet file or folder", path);
    }
  }

  /** Which ledger to open, checked before anything runs. */
  record LedgerPlan(Path file, boolean exists, String accountantClass, PrivacyBudget budget) {

    static LedgerPlan of(Path file, double epsilon, double delta) {
      PrivacyBudget budget = PrivacyBudget.approximate(epsilon, delta);
      if (file == null) {
        return new LedgerPlan(
            null,
            false,
            delta > 0 ? PldAccountant.class.getName() : BasicCompositionAccountant.class.getName(),
            budget);
      }
      if (!Files.exists(file)) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
          throw UserError.flag("--ledger", "in an existing directory", file);
        }
        return new LedgerPlan(
            file,
            false,
            delta > 0 ? PldAccountant.class.getName() : BasicCompositionAccountant.class.getName(),
            budget);
      }
      LedgerHeader header;
      try {
        header = PrivacyLedger.read(file).header();
      } catch (InvalidLedgerException e) {
        throw new UserError("--ledger " + file + ": " + e.getMessage());
      } catch (IOException e) {
        throw new UserError("--ledger " + file + ": cannot read: " + e.getMessage());
      }
      if (header.relation() != NeighbouringRelation.ADD_OR_REMOVE_ONE) {
        throw new UserError(
            "--ledger "
                + file
                + " relation must be "
                + NeighbouringRelation.ADD_OR_REMOVE_ONE
                + " (the relation of this query's "
                + "guarantee: adding or removing one privacy unit with all its rows), got "
                + header.relation());
      }
      accountantFor(header.accountant(), file);
      return new LedgerPlan(file, true, header.accountant(), budget);
    }

    PrivacyAccountant accountant() {
      return accountantFor(accountantClass, file);
    }

    /** The opened ledger, or null without {@code --ledger}. */
    PrivacyLedger open() {
      if (file == null) {
        return null;
      }
      try {
        return exists
            ? PrivacyLedger.open(file, accountant())
            : PrivacyLedger.create(file, accountant(), budget);
      } catch (IOException | RuntimeException e) {
        throw new UserError("--ledger " + file + ": " + e.getMessage());
      }
    }

    private static PrivacyAccountant accountantFor(String className, Path file) {
      NeighbouringRelation r = NeighbouringRelation.ADD_OR_REMOVE_ONE;
      if (className.equals(PldAccountant.class.getName())) {
        return new PldAccountant(r);
      } else if (className.equals(BasicCompositionAccountant.class.getName())) {
        return new BasicCompositionAccountant(r);
      } else if (className.equals(RdpAccountant.class.getName())) {
        return new RdpAccountant(r);
      } else if (className.equals(ZcdpAccountant.class.getName())) {
        return new ZcdpAccountant(r);
      }
      throw new UserError(
          "--ledger "
              + file
              + " accountant must be PldAccountant, "
              + "BasicCompositionAccountant, RdpAccountant or ZcdpAccountant, got "
              + className);
    }
  }

  /** Parses {@code --metric} values. */
  static final class MetricSpec {
    private MetricSpec() {}

    static Metric parse(String spec) {
      String s = spec.trim();
      if (s.equals("count")) {
        return new Metric.Count();
      }
      if (s.equals("distinct-units")) {
        return new Metric.DistinctUnits();
      }
      String[] p = s.split(":", -1);
      String kind = p[0];
      boolean quantiles = kind.equals("quantiles");
      int tail = quantiles ? 3 : 2;
      if (!List.of("sum", "mean", "variance", "quantiles").contains(kind)) {
        throw UserError.flag(
            "--metric",
            "count, distinct-units, sum:COL:LOWER:UPPER, "
                + "mean:COL:LOWER:UPPER, variance:COL:LOWER:UPPER or "
                + "quantiles:COL:LOWER:UPPER:Q[,Q...]",
            spec);
      }
      if (p.length < 2 + tail
          || String.join(":", List.of(p).subList(1, p.length - tail)).isBlank()) {
        throw UserError.flag(
            "--metric", kind + ":COL:LOWER:UPPER" + (quantiles ? ":Q[,Q...]" : ""), spec);
      }
      String column = String.join(":", List.of(p).subList(1, p.length - tail));
      double lower = number(spec, "LOWER", p[p.length - tail]);
      double upper = number(spec, "UPPER", p[p.length - tail + 1]);
      if (!(upper > lower)) {
        throw UserError.flag("--metric " + spec + " UPPER", "greater than LOWER " + lower, upper);
      }
      Bounds bounds = new Bounds(lower, upper);
      return switch (kind) {
        case "sum" -> new Metric.Sum(column, bounds);
        case "mean" -> new Metric.Mean(column, bounds);
        case "variance" -> new Metric.Variance(column, bounds);
        default -> {
          List<Double> ranks = new ArrayList<>();
          for (String q : p[p.length - 1].split(",", -1)) {
            double rank = number(spec, "Q", q);
            if (!(rank >= 0 && rank <= 1)) {
              throw UserError.flag("--metric " + spec + " Q", "in [0, 1]", rank);
            }
            if (ranks.contains(rank)) {
              throw UserError.flag("--metric " + spec + " Q", "distinct ranks", q + " twice");
            }
            ranks.add(rank);
          }
          yield new Metric.Quantiles(column, bounds, ranks);
        }
      };
    }

    private static double number(String spec, String part, String text) {
      try {
        double x = Double.parseDouble(text.trim());
        if (!Double.isFinite(x)) {
          throw UserError.flag("--metric " + spec + " " + part, "a finite number", text);
        }
        return x;
      } catch (NumberFormatException e) {
        throw UserError.flag("--metric " + spec + " " + part, "a number", "'" + text + "'");
      }
    }
  }

  /** Minimal RFC 4180 CSV: quoted fields with doubled quotes, commas inside quotes. */
  static final class Csv {
    private Csv() {}

    static List<String> split(String line) {
      List<String> cells = new ArrayList<>();
      StringBuilder cell = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cell.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            cell.append(c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          cells.add(cell.toString());
          cell.setLength(0);
        } else {
          cell.append(c);
        }
      }
      cells.add(cell.toString());
      return cells;
    }

    static String quote(String s) {
      if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
        return "\"" + s.replace("\"", "\"\"") + "\"";
      }
      return s;
    }
  }
}

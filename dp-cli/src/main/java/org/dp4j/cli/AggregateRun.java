package org.dp4j.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.PrivacyLedger;
import org.dp4j.mechanisms.aggregation.NoiseKind;
import org.dp4j.spark.AggregationResult;
import org.dp4j.spark.DpAggregation;
import org.dp4j.spark.Metric;
import org.dp4j.spark.NoisyRelease;
import org.dp4j.spark.PartitionSelection;

/**
 * The Spark half of {@link AggregateCommand}, in its own class so that the other commands never
 * load Spark's classes (the command line stays quick to start): reads the input with declared
 * types, builds and calibrates the query, spends on the filter or ledger, runs the job and writes
 * the result.
 */
final class AggregateRun {

  /**
   * The command's checked settings.
   *
   * @param example whether the embedded example is used
   * @param input the input path (null for the example)
   * @param kind CSV or Parquet
   * @param unit the privacy-unit column
   * @param groups the group-by columns
   * @param metrics the metrics
   * @param budget the query's budget
   * @param maxGroupsPerUnit K
   * @param maxRowsPerGroup M
   * @param publicGroups the public groups file, or null
   * @param selection the partition selection rule, or null for the default
   * @param noise the noise, or null for the default
   * @param ledger the ledger file, or null
   * @param ledgerPlan how to open the ledger
   * @param confidence whether to add confidence intervals
   * @param output the output file, or null to print a table
   * @param master the Spark master
   * @param verbose whether to show Spark's logs and stack traces
   */
  record Request(
      boolean example,
      String input,
      AggregateCommand.InputKind kind,
      String unit,
      List<String> groups,
      List<Metric> metrics,
      PrivacyBudget budget,
      int maxGroupsPerUnit,
      int maxRowsPerGroup,
      Path publicGroups,
      PartitionSelection selection,
      NoiseKind noise,
      Path ledger,
      AggregateCommand.LedgerPlan ledgerPlan,
      boolean confidence,
      Path output,
      String master,
      boolean verbose) {}

  private final Request r;
  private final PrintWriter out;
  private final PrintWriter err;

  AggregateRun(Request request, PrintWriter out, PrintWriter err) {
    this.r = request;
    this.out = out;
    this.err = err;
  }

  /** Runs the query; returns the exit status (user errors are thrown as {@link UserError}). */
  int run() throws IOException {
    // Spark: read the schema and build (check and calibrate) the query. No budget yet.
    configureLogging(r.verbose());
    System.setProperty("io.netty.tryReflectionSetAccessible", "true");
    boolean ownSession = SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = session();
    Path exampleFile = null;
    try {
      String path = r.input();
      if (r.example()) {
        exampleFile = Files.createTempFile("dp4j-visits-", ".csv.gz");
        VisitsDataset.extract(exampleFile);
        path = exampleFile.toString();
      }
      Set<String> valueColumns = new LinkedHashSet<>();
      for (Metric m : r.metrics()) {
        m.column().ifPresent(valueColumns::add);
      }
      Dataset<Row> data = read(spark, r.kind(), path, valueColumns);
      DpAggregation.Builder builder =
          DpAggregation.on(data)
              .privacyUnit(r.unit())
              .groupBy(r.groups())
              .maxGroupsPerUnit(r.maxGroupsPerUnit())
              .maxRowsPerGroup(r.maxRowsPerGroup())
              .budget(r.budget());
      r.metrics().forEach(builder::metric);
      if (r.noise() != null) {
        builder.noise(r.noise());
      }
      if (r.confidence()) {
        builder.confidenceIntervals();
      }
      if (r.publicGroups() != null) {
        builder.publicGroups(readPublicGroups(spark, data.schema(), r.groups()));
      } else if (r.selection() != null) {
        builder.privateGroups(r.selection());
      } else {
        builder.privateGroups();
      }
      DpAggregation query;
      try {
        query = builder.build();
      } catch (IllegalArgumentException e) {
        throw new UserError(e.getMessage());
      }

      // Spend, compute, write.
      try (PrivacyLedger opened = r.ledgerPlan().open()) {
        PrivacyFilter filter =
            opened != null
                ? opened.filter()
                : PrivacyFilter.limited(r.ledgerPlan().accountant(), r.budget());
        AggregationResult result;
        try {
          result = query.run(filter);
        } catch (PrivacyBudgetExceededException e) {
          throw new UserError(
              (r.ledger() != null ? "--ledger " + r.ledger() : "--epsilon")
                  + " budget must afford this query, got "
                  + String.format(
                      Locale.ROOT,
                      "epsilon %.6g spent of %.6g; the query would bring it to %.6g",
                      e.spentEpsilon(),
                      e.budget().epsilon(),
                      e.epsilonIfSpent()));
        } catch (IllegalArgumentException e) {
          throw new UserError(
              (r.ledger() != null ? "--ledger " + r.ledger() + ": " : "") + e.getMessage());
        } catch (RuntimeException e) {
          if (r.verbose()) {
            throw e;
          }
          err.println("dp4j: " + new JobFailure(e).getMessage());
          return 1;
        }
        if (r.output() != null) {
          writeCsv(result, r.output());
          out.printf(
              Locale.ROOT,
              "dp4j aggregate: wrote %d group%s to %s%n",
              result.rows().size(),
              result.rows().size() == 1 ? "" : "s",
              r.output());
        } else {
          out.print(table(result, r.groups().size()));
        }
        out.println(noiseLine(result));
        out.println("privacy: " + result.privacyStatement());
        if (r.example()) {
          out.println(
              "(embedded example: synthetic visits to a shop, "
                  + "dp-cli/src/main/resources/org/dp4j/cli/datasets/visits-README.md)");
        }
      }
      return 0;
    } finally {
      if (exampleFile != null) {
        Files.deleteIfExists(exampleFile);
      }
      if (ownSession) {
        spark.stop();
      }
    }
  }

  /** A failure of the Spark job after the budget was spent: one line, status 1. */
  static final class JobFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JobFailure(RuntimeException cause) {
      super(
          "the Spark job failed after the budget was spent (run again with --verbose for "
              + "details): "
              + firstLine(cause),
          cause);
    }
  }

  private static String firstLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(root.getMessage());
    int nl = message.indexOf('\n');
    return root.getClass().getSimpleName() + ": " + (nl < 0 ? message : message.substring(0, nl));
  }

  private SparkSession session() {
    String master = r.master();
    SparkSession.Builder b =
        SparkSession.builder()
            .appName("dp4j aggregate")
            .master(master)
            .config("spark.ui.showConsoleProgress", "false");
    if (master.startsWith("local")) {
      b.config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config(
              "spark.sql.shuffle.partitions",
              String.valueOf(Math.max(4, 2 * Runtime.getRuntime().availableProcessors())));
    } else {
      b.config("spark.jars", String.join(",", executorJars()));
    }
    return b.getOrCreate();
  }

  /** The jars executors need besides Spark: dp4j's modules and their dependencies. */
  private static List<String> executorJars() {
    List<String> jars = new ArrayList<>();
    for (Class<?> c :
        new Class<?>[] {
          DpAggregation.class,
          PrivacyBudget.class,
          org.dp4j.mechanisms.GaussianMechanism.class,
          org.apache.commons.rng.UniformRandomProvider.class,
          org.apache.commons.rng.core.BaseProvider.class,
          org.apache.commons.rng.simple.RandomSource.class,
          org.apache.commons.rng.sampling.distribution.ContinuousSampler.class,
          org.apache.commons.math3.special.Erf.class
        }) {
      try {
        String location =
            Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        if (!jars.contains(location)) {
          jars.add(location);
        }
      } catch (URISyntaxException | NullPointerException e) {
        throw new IllegalStateException("cannot locate the jar of " + c.getName(), e);
      }
    }
    return jars;
  }

  /**
   * Spark's log lines: none, unless verbose (then INFO to standard error). slf4j-simple reads the
   * level when the first logger is made, which is Spark's, after this.
   */
  static void configureLogging(boolean verbose) {
    if (verbose) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
    }
  }

  /** The data with declared types: value columns double, others string (CSV). */
  static Dataset<Row> read(
      SparkSession spark, AggregateCommand.InputKind kind, String path, Set<String> valueColumns) {
    try {
      if (kind == AggregateCommand.InputKind.PARQUET) {
        return spark.read().parquet(path);
      }
      String[] header =
          spark.read().option("header", "true").option("inferSchema", "false").csv(path).columns();
      List<StructField> fields = new ArrayList<>();
      Set<String> seen = new LinkedHashSet<>();
      for (String name : header) {
        if (!seen.add(name)) {
          throw UserError.flag(
              "--input", "a CSV header without repeated column names", name + " twice in " + path);
        }
        fields.add(
            DataTypes.createStructField(
                name,
                valueColumns.contains(name) ? DataTypes.DoubleType : DataTypes.StringType,
                true));
      }
      return spark
          .read()
          .option("header", "true")
          .option("mode", "PERMISSIVE")
          .schema(DataTypes.createStructType(fields))
          .csv(path);
    } catch (UserError e) {
      throw e;
    } catch (RuntimeException e) {
      if (e.getClass().getSimpleName().contains("AnalysisException")) {
        throw UserError.flag(
            "--input",
            "a readable " + kind.name().toLowerCase(Locale.ROOT) + " file or folder",
            path + " (" + firstLine(e) + ")");
      }
      throw e;
    }
  }

  /** The public groups file: a CSV whose header names the group-by columns. */
  private Dataset<Row> readPublicGroups(
      SparkSession spark, StructType dataSchema, List<String> groups) throws IOException {
    Path publicGroups = r.publicGroups();
    List<String> lines = Files.readAllLines(publicGroups, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw UserError.flag(
          "--public-groups", "a CSV file with a header", publicGroups + " (empty)");
    }
    List<String> header = AggregateCommand.Csv.split(lines.get(0));
    List<Integer> positions = new ArrayList<>();
    for (String g : groups) {
      int i = header.indexOf(g);
      if (i < 0) {
        throw UserError.flag(
            "--public-groups",
            "a CSV file whose header has the group-by " + "columns " + String.join(", ", groups),
            publicGroups + " with header " + String.join(",", header));
      }
      positions.add(i);
    }
    List<DataType> types = new ArrayList<>();
    for (String g : groups) {
      if (!List.of(dataSchema.fieldNames()).contains(g)) {
        throw UserError.flag("--group-by", "columns of the input", g);
      }
      types.add(dataSchema.apply(g).dataType());
    }
    List<Row> rows = new ArrayList<>();
    for (int line = 1; line < lines.size(); line++) {
      if (lines.get(line).isEmpty()) {
        continue;
      }
      List<String> cells = AggregateCommand.Csv.split(lines.get(line));
      Object[] key = new Object[groups.size()];
      for (int g = 0; g < groups.size(); g++) {
        int p = positions.get(g);
        String cell = p < cells.size() ? cells.get(p) : "";
        try {
          key[g] = cell.isEmpty() ? null : convert(cell, types.get(g));
        } catch (RuntimeException e) {
          throw UserError.flag(
              "--public-groups line " + (line + 1) + " column " + groups.get(g),
              "a " + types.get(g).simpleString(),
              cell);
        }
      }
      rows.add(RowFactory.create(key));
    }
    List<StructField> fields = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      fields.add(DataTypes.createStructField(groups.get(g), types.get(g), true));
    }
    return spark.createDataFrame(rows, DataTypes.createStructType(fields));
  }

  private static Object convert(String cell, DataType t) {
    if (t.sameType(DataTypes.StringType)) {
      return cell;
    } else if (t.sameType(DataTypes.LongType)) {
      return Long.parseLong(cell.trim());
    } else if (t.sameType(DataTypes.IntegerType)) {
      return Integer.parseInt(cell.trim());
    } else if (t.sameType(DataTypes.ShortType)) {
      return Short.parseShort(cell.trim());
    } else if (t.sameType(DataTypes.ByteType)) {
      return Byte.parseByte(cell.trim());
    } else if (t.sameType(DataTypes.BooleanType)) {
      String c = cell.trim().toLowerCase(Locale.ROOT);
      if (!c.equals("true") && !c.equals("false")) {
        throw new IllegalArgumentException(cell);
      }
      return Boolean.parseBoolean(c);
    } else if (t instanceof DecimalType) {
      return new BigDecimal(cell.trim());
    } else if (t.sameType(DataTypes.DateType)) {
      return java.sql.Date.valueOf(LocalDate.parse(cell.trim()));
    } else if (t.sameType(DataTypes.TimestampType)) {
      return Timestamp.valueOf(cell.trim());
    } else if (t.sameType(DataTypes.TimestampNTZType)) {
      return LocalDateTime.parse(cell.trim().replace(' ', 'T'));
    }
    throw new IllegalArgumentException("unsupported type " + t.simpleString());
  }

  /** Writes the result to a temporary file beside {@code file}, then moves it into place. */
  static void writeCsv(AggregationResult result, Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        String[] columns = result.groups().columns();
        List<String> header = new ArrayList<>();
        for (String c : columns) {
          header.add(AggregateCommand.Csv.quote(c));
        }
        w.write(String.join(",", header));
        w.write('\n');
        for (Row r : result.rows()) {
          List<String> cells = new ArrayList<>();
          for (int i = 0; i < r.length(); i++) {
            cells.add(r.isNullAt(i) ? "" : AggregateCommand.Csv.quote(cell(r.get(i))));
          }
          w.write(String.join(",", cells));
          w.write('\n');
        }
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String cell(Object value) {
    return value instanceof Double d ? Double.toString(d) : value.toString();
  }

  /** The released groups as an aligned table (numbers with 2 decimals), sorted by group. */
  static String table(AggregationResult result, int groupColumns) {
    String[] columns = result.groups().columns();
    List<String[]> cells = new ArrayList<>();
    for (Row r : result.rows()) {
      String[] c = new String[r.length()];
      for (int i = 0; i < r.length(); i++) {
        Object v = r.isNullAt(i) ? null : r.get(i);
        c[i] =
            v == null
                ? "(null)"
                : v instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : v.toString();
      }
      cells.add(c);
    }
    cells.sort((a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b)));
    int[] width = new int[columns.length];
    for (int i = 0; i < columns.length; i++) {
      width[i] = columns[i].length();
      for (String[] c : cells) {
        width[i] = Math.max(width[i], c[i].length());
      }
    }
    StringBuilder b = new StringBuilder();
    List<String[]> all = new ArrayList<>();
    all.add(columns);
    all.addAll(cells);
    for (String[] row : all) {
      for (int i = 0; i < row.length; i++) {
        b.append(i == 0 ? "" : "  ");
        b.append(String.format("%" + (i < groupColumns ? "-" : "") + width[i] + "s", row[i]));
      }
      b.append('\n');
    }
    if (cells.isEmpty()) {
      b.append("(no group passed the private partition selection)\n");
    }
    return b.toString();
  }

  private static String noiseLine(AggregationResult result) {
    StringBuilder b = new StringBuilder("noise:");
    for (NoisyRelease r : result.calibration().sums()) {
      b.append(
          String.format(
              Locale.ROOT,
              " %s %s %.4g;",
              r.name(),
              result.calibration().noise() == NoiseKind.GAUSSIAN ? "sd" : "scale",
              r.scale()));
    }
    b.append(
        String.format(
            Locale.ROOT,
            " an equal split of the budget would need %.3gx this " + "noise",
            result.calibration().equalSplitNoiseFactor()));
    return b.toString();
  }
}

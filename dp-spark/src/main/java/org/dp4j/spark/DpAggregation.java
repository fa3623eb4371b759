package org.dp4j.spark;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.SpendReceipt;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.aggregation.Bounds;
import org.dp4j.mechanisms.aggregation.NoiseKind;
import org.dp4j.spark.internal.ExecutionSpec;
import org.dp4j.spark.internal.HistogramSpec;
import org.dp4j.spark.internal.MechanismSpec;
import org.dp4j.spark.internal.OutputKind;
import org.dp4j.spark.internal.OutputSpec;
import org.dp4j.spark.internal.Part;
import org.dp4j.spark.internal.PartKind;
import org.dp4j.spark.internal.QuantileSpec;
import org.dp4j.spark.internal.QueryCalibration;
import org.dp4j.spark.internal.QueryPipeline;
import org.dp4j.spark.internal.RandomnessMode;
import org.dp4j.spark.internal.SelectionSpec;
import org.dp4j.spark.internal.SipHash;
import org.dp4j.spark.internal.ValueBounds;

/**
 * A private group-by aggregation of a Spark {@code Dataset<Row>}: noisy statistics per group, where
 * each privacy unit (a person, a customer) may contribute many rows.
 *
 * <pre>{@code
 * Dataset<Row> result = DpAggregation.on(visits)
 *     .privacyUnit("visitor_id").groupBy("day")
 *     .maxGroupsPerUnit(3).maxRowsPerGroup(1)
 *     .count().distinctUnits().sum("spent", 0, 60).mean("spent", 0, 60)
 *     .privateGroups()                         // or .publicGroups(listOfDays)
 *     .budget(PrivacyBudget.approximate(1.0, 1e-6))
 *     .run(filter);                            // spends from the filter, then computes
 * }</pre>
 *
 * <h2>Guarantee</h2>
 *
 * The released groups are {@code (epsilon, delta)}-DP for the query's {@link Builder#budget budget}
 * under adding or removing one privacy unit together with all its rows, whatever the other rows
 * are. This rests on: contribution bounding (each unit keeps at most K groups and M rows per group,
 * chosen uniformly, values clamped to the metrics' bounds), exact fixed-point sums, the
 * floating-point-safe Gaussian or Laplace mechanisms of dp-mechanisms with noise drawn on the
 * executors from their own secure sources, the exponential mechanism for quantiles, and private
 * partition selection (or a public list of groups). All releases are calibrated together under PLD
 * composition ({@link Calibration}). What is not covered: bounds or public groups chosen by looking
 * at the data; side channels (timing, failures); and the neighbouring relation itself (a person
 * with several unit values counts as several units).
 *
 * <h2>Lifecycle</h2>
 *
 * {@link #run(PrivacyFilter)} first spends {@link #event()} on the filter (the filter may refuse:
 * then nothing is computed), then computes the released groups with one Spark job and collects them
 * (only released groups reach the driver). If the job fails after the spend, the budget stays
 * spent. Each run draws fresh noise and spends again. An instance is immutable and may be run from
 * any thread; the Spark session must be a classic (not Spark Connect) session.
 *
 * <h2>Bad rows</h2>
 *
 * A row whose privacy unit is null, or whose value in any column the metrics read is null or NaN,
 * is dropped before contribution bounding (a rule that looks at one row at a time, so it needs no
 * budget and reveals nothing); infinite values are clamped to the bounds. Null group values form a
 * group of their own.
 */
public final class DpAggregation {

  /** Largest {@code maxGroupsPerUnit} and {@code maxRowsPerGroup}: 1,000,000. */
  public static final int MAX_CONTRIBUTION_LIMIT = 1_000_000;

  /** The confidence level of {@link Builder#confidenceIntervals()}: 0.95. */
  public static final double CONFIDENCE_LEVEL = 0.95;

  /** Quantile candidates per column: 1025, a grid step of {@code (U - L) / 1024}. */
  public static final int QUANTILE_CANDIDATES = 1025;

  private final Dataset<Row> data;
  private final String privacyUnit;
  private final List<String> groupBy;
  private final List<DataType> groupTypes;
  private final List<Metric> metrics;
  private final PrivacyBudget budget;
  private final Dataset<Row> publicGroups;
  private final ExecutionSpec spec;
  private final Calibration calibration;
  private final StructType outputSchema;
  private final Randomness randomness;
  private final String description;

  private DpAggregation(
      Builder b,
      List<DataType> groupTypes,
      Dataset<Row> publicGroups,
      ExecutionSpec spec,
      Calibration calibration,
      StructType outputSchema,
      String description) {
    this.data = b.data;
    this.privacyUnit = b.privacyUnit;
    this.groupBy = List.copyOf(b.groupBy);
    this.groupTypes = List.copyOf(groupTypes);
    this.metrics = List.copyOf(b.metrics);
    this.budget = b.budget;
    this.publicGroups = publicGroups;
    this.spec = spec;
    this.calibration = calibration;
    this.outputSchema = outputSchema;
    this.randomness = b.randomness;
    this.description = description;
  }

  /**
   * Starts a query on {@code data}.
   *
   * @param data the rows, not null; nothing is read until {@link #run}
   * @return a builder
   */
  public static Builder on(Dataset<Row> data) {
    return new Builder(Checks.notNull("data", data));
  }

  /** {@return the event {@link #run} spends: the composition of every release of the query} */
  public PrivacyEvent event() {
    return calibration.event();
  }

  /** {@return how the budget is spent (fixed before any data is read)} */
  public Calibration calibration() {
    return calibration;
  }

  /**
   * {@return the schema of the released groups: the group-by columns, then one double per metric
   * column}
   */
  public StructType outputSchema() {
    return outputSchema;
  }

  /** The executors' spec (for the kernel tests, which run it without Spark). */
  ExecutionSpec executionSpec() {
    return spec;
  }

  /** {@return the query's budget} */
  public PrivacyBudget budget() {
    return budget;
  }

  /** {@return the metrics, in output order} */
  public List<Metric> metrics() {
    return metrics;
  }

  /**
   * Spends {@link #event()} on {@code filter}, then computes and collects the released groups.
   *
   * @param filter the budget to spend from; its accountant must state guarantees for {@link
   *     NeighbouringRelation#ADD_OR_REMOVE_ONE} and support the event (use a {@code PldAccountant}
   *     for approximate DP; any accountant that supports pure events for pure DP)
   * @return the released groups, the receipt and the privacy statement
   * @throws PrivacyBudgetExceededException when the filter refuses: nothing was computed
   * @throws IllegalArgumentException when the filter's relation or accountant does not fit: nothing
   *     spent
   */
  public AggregationResult run(PrivacyFilter filter) {
    Checks.notNull("filter", filter);
    PrivacyAccountant accountant = filter.accountantSnapshot();
    Checks.require(
        accountant.relation() == NeighbouringRelation.ADD_OR_REMOVE_ONE,
        "filter's neighbouring relation",
        NeighbouringRelation.ADD_OR_REMOVE_ONE
            + " (the relation of this query's guarantee: adding"
            + " or removing one privacy unit with all its rows)",
        accountant.relation());
    accountant
        .unsupportedReason(event())
        .ifPresent(
            reason -> {
              throw new IllegalArgumentException(
                  "filter's accountant "
                      + accountant.getClass().getSimpleName()
                      + " must support this query's event, got: "
                      + reason);
            });
    // Spend before anything is computed: a refused query runs no Spark job.
    SpendReceipt receipt = filter.spend(event(), label());
    Dataset<Row> released =
        QueryPipeline.released(data, privacyUnit, groupBy, groupTypes, publicGroups, spec);
    List<Row> rows = released.collectAsList();
    SparkSession spark = data.sparkSession();
    Dataset<Row> groups = spark.createDataFrame(rows, outputSchema);
    return new AggregationResult(
        groups, rows, receipt, calibration, statement(receipt, filter), randomness.isPrivate());
  }

  /** The ledger label: the query in words, control characters replaced, at most 1000 chars. */
  private String label() {
    StringBuilder b = new StringBuilder();
    ("dp-spark aggregate " + description)
        .codePoints()
        .forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    String label = b.toString();
    if (label.length() > PrivacyFilter.MAX_LABEL_LENGTH) {
      int end = PrivacyFilter.MAX_LABEL_LENGTH;
      if (Character.isHighSurrogate(label.charAt(end - 1))) {
        end--;
      }
      label = label.substring(0, end);
    }
    return label;
  }

  private String statement(SpendReceipt receipt, PrivacyFilter filter) {
    StringBuilder s = new StringBuilder();
    if (!randomness.isPrivate()) {
      s.append("NOT PRIVATE (")
          .append(randomness)
          .append(
              "): the values below carry no privacy " + "guarantee. Were the randomness secure: ");
    }
    s.append(
        String.format(
            Locale.ROOT,
            "(epsilon = %s, delta = %s)-DP for the whole release (%s) "
                + "under adding or removing one privacy unit, i.e. all rows with one value of %s. ",
            fmt(budget.epsilon()),
            fmt(budget.delta()),
            description,
            privacyUnit));
    s.append(
        String.format(
            Locale.ROOT,
            "Contribution bounding: each unit keeps at most %d "
                + "group%s and %d row%s per group (chosen uniformly at random)",
            spec.maxGroupsPerUnit(),
            spec.maxGroupsPerUnit() == 1 ? "" : "s",
            spec.maxRowsPerGroup(),
            spec.maxRowsPerGroup() == 1 ? "" : "s"));
    Map<String, Bounds> clamps = new LinkedHashMap<>();
    for (Metric m : metrics) {
      bounds(m)
          .ifPresent(
              b ->
                  clamps.putIfAbsent(
                      m.column().orElseThrow()
                          + " to ["
                          + fmt(b.lower())
                          + ", "
                          + fmt(b.upper())
                          + "]",
                      b));
    }
    if (!clamps.isEmpty()) {
      s.append("; values clamped: ").append(String.join(", ", clamps.keySet()));
    }
    s.append(". Groups: ").append(calibration.selection()).append(". ");
    s.append(
        String.format(
            Locale.ROOT,
            "Noise: %s, the %d releases calibrated together by PLD accounting (noise multiplier"
                + " %.4g; an equal split of the budget would need %.3gx the noise). ",
            calibration.noise() == NoiseKind.GAUSSIAN ? "Gaussian" : "Laplace",
            calibration.releases(),
            calibration.noiseMultiplier(),
            calibration.equalSplitNoiseFactor()));
    if (spec.outputs().stream().anyMatch(OutputSpec::interval)) {
      s.append(
          String.format(
              Locale.ROOT,
              "Confidence intervals (%s%% each) cover the noise only, "
                  + "not clamping, contribution bounding or partition selection. ",
              fmt(100 * CONFIDENCE_LEVEL)));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "Spent on the filter: epsilon %s -> %s at delta %s",
            fmt(receipt.epsilonBefore()),
            fmt(receipt.epsilonAfter()),
            fmt(receipt.targetDelta())));
    filter.budget().ifPresent(b -> s.append(" (budget ").append(fmt(b.epsilon())).append(")"));
    s.append('.');
    return s.toString();
  }

  private static java.util.Optional<Bounds> bounds(Metric m) {
    if (m instanceof Metric.Sum x) {
      return java.util.Optional.of(x.bounds());
    } else if (m instanceof Metric.Mean x) {
      return java.util.Optional.of(x.bounds());
    } else if (m instanceof Metric.Variance x) {
      return java.util.Optional.of(x.bounds());
    } else if (m instanceof Metric.Quantiles x) {
      return java.util.Optional.of(x.bounds());
    }
    return java.util.Optional.empty();
  }

  static String fmt(double x) {
    if (x == Math.rint(x) && Math.abs(x) < 1e15) {
      return Long.toString((long) x);
    }
    return String.format(Locale.ROOT, "%.6g", x)
        .replaceAll("(\\.\\d*?)0+($|e)", "$1$2")
        .replace(".e", "e")
        .replaceAll("\\.$", "");
  }

  /**
   * Describes a query; {@link #build()} checks everything against the data's schema and calibrates
   * the noise, without reading any data. Not thread-safe.
   *
   * <p>Required: {@link #privacyUnit}, {@link #groupBy}, at least one metric and {@link #budget}.
   * Defaults: {@code maxGroupsPerUnit} 1, {@code maxRowsPerGroup} 1, private groups by {@link
   * PartitionSelection#GAUSSIAN_THRESHOLD} (by {@link PartitionSelection#TRUNCATED_GEOMETRIC} with
   * Laplace noise), Gaussian noise when the budget's delta is positive and Laplace noise when it is
   * 0, no confidence intervals, {@link BudgetSplit#JOINT}, {@link Randomness#secure()}.
   */
  public static final class Builder {
    private final Dataset<Row> data;
    private String privacyUnit;
    private List<String> groupBy = List.of();
    private int maxGroupsPerUnit = 1;
    private int maxRowsPerGroup = 1;
    private final List<Metric> metrics = new ArrayList<>();
    private PartitionSelection selection;
    private Dataset<Row> publicGroupRows;
    private List<?> publicGroupValues;
    private PrivacyBudget budget;
    private NoiseKind noise;
    private boolean confidenceIntervals;
    private BudgetSplit split = BudgetSplit.JOINT;
    private Randomness randomness = Randomness.secure();

    private Builder(Dataset<Row> data) {
      this.data = data;
    }

    /**
     * The column identifying the privacy unit (the person whose rows are protected together).
     *
     * @param column an existing column of a string, integer, boolean, decimal, date or timestamp
     *     type
     * @return this builder
     */
    public Builder privacyUnit(String column) {
      this.privacyUnit = Checks.notNull("privacyUnit", column);
      return this;
    }

    /**
     * The group-by columns (string, integer, boolean, decimal, date or timestamp types).
     *
     * @param columns one or more distinct columns, not the privacy unit
     * @return this builder
     */
    public Builder groupBy(String... columns) {
      Checks.notNull("groupBy", columns);
      return groupBy(Arrays.asList(columns));
    }

    /**
     * As {@link #groupBy(String...)}.
     *
     * @param columns one or more distinct columns, not the privacy unit
     * @return this builder
     */
    public Builder groupBy(List<String> columns) {
      this.groupBy = List.copyOf(Checks.noNulls("groupBy", columns));
      return this;
    }

    /**
     * K: how many groups one unit may contribute to; a unit's other groups are dropped (uniformly
     * chosen). Default 1.
     *
     * @param k in {@code [1, 1,000,000]}
     * @return this builder
     */
    public Builder maxGroupsPerUnit(int k) {
      Checks.require(
          k >= 1 && k <= MAX_CONTRIBUTION_LIMIT,
          "maxGroupsPerUnit",
          "in [1, " + MAX_CONTRIBUTION_LIMIT + "]",
          k);
      this.maxGroupsPerUnit = k;
      return this;
    }

    /**
     * M: how many rows one unit may contribute to one group (uniformly chosen). Default 1.
     *
     * @param m in {@code [1, 1,000,000]}
     * @return this builder
     */
    public Builder maxRowsPerGroup(int m) {
      Checks.require(
          m >= 1 && m <= MAX_CONTRIBUTION_LIMIT,
          "maxRowsPerGroup",
          "in [1, " + MAX_CONTRIBUTION_LIMIT + "]",
          m);
      this.maxRowsPerGroup = m;
      return this;
    }

    /**
     * Adds the noisy number of rows per group ({@code count}).
     *
     * @return this builder
     */
    public Builder count() {
      return metric(new Metric.Count());
    }

    /**
     * Adds the noisy number of privacy units per group ({@code distinct_units}).
     *
     * @return this builder
     */
    public Builder distinctUnits() {
      return metric(new Metric.DistinctUnits());
    }

    /**
     * Adds the noisy sum of {@code column} clamped to [lower, upper] ({@code sum_COLUMN}).
     *
     * @param column a numeric column
     * @param lower finite
     * @param upper finite, greater than {@code lower}
     * @return this builder
     */
    public Builder sum(String column, double lower, double upper) {
      return metric(new Metric.Sum(column, bounds(column, lower, upper)));
    }

    /**
     * Adds the noisy mean of {@code column} clamped to [lower, upper] ({@code mean_COLUMN}).
     *
     * @param column a numeric column
     * @param lower finite
     * @param upper finite, greater than {@code lower}
     * @return this builder
     */
    public Builder mean(String column, double lower, double upper) {
      return metric(new Metric.Mean(column, bounds(column, lower, upper)));
    }

    /**
     * Adds the noisy variance of {@code column} clamped to [lower, upper] ({@code
     * variance_COLUMN}).
     *
     * @param column a numeric column
     * @param lower finite
     * @param upper finite, greater than {@code lower}
     * @return this builder
     */
    public Builder variance(String column, double lower, double upper) {
      return metric(new Metric.Variance(column, bounds(column, lower, upper)));
    }

    /**
     * Adds noisy quantiles of {@code column} clamped to [lower, upper].
     *
     * @param column a numeric column
     * @param lower finite
     * @param upper finite, greater than {@code lower}
     * @param ranks one or more distinct ranks in [0, 1]
     * @return this builder
     */
    public Builder quantiles(String column, double lower, double upper, double... ranks) {
      Checks.notNull("ranks", ranks);
      List<Double> list = new ArrayList<>();
      for (double q : ranks) {
        list.add(q);
      }
      return metric(new Metric.Quantiles(column, bounds(column, lower, upper), list));
    }

    /**
     * Adds a metric.
     *
     * @param metric not null; its output columns must not repeat another metric's
     * @return this builder
     */
    public Builder metric(Metric metric) {
      metrics.add(Checks.notNull("metric", metric));
      return this;
    }

    /**
     * Releases groups found in the data by {@link PartitionSelection#GAUSSIAN_THRESHOLD}.
     *
     * @return this builder
     */
    public Builder privateGroups() {
      return privateGroups(PartitionSelection.GAUSSIAN_THRESHOLD);
    }

    /**
     * Releases groups found in the data by the given rule; needs a positive delta.
     *
     * @param selection the rule, not null
     * @return this builder
     */
    public Builder privateGroups(PartitionSelection selection) {
      this.selection = Checks.notNull("selection", selection);
      this.publicGroupRows = null;
      this.publicGroupValues = null;
      return this;
    }

    /**
     * Releases exactly the listed groups (those absent from the data with noise only); rows of
     * other groups are dropped. The list must not depend on the private data. The only way to pure
     * DP. The dataset is read in the same job as the data.
     *
     * @param groups a dataset with the group-by columns, of the same types as in the data (other
     *     columns are ignored, duplicates are merged)
     * @return this builder
     */
    public Builder publicGroups(Dataset<Row> groups) {
      this.publicGroupRows = Checks.notNull("publicGroups", groups);
      this.publicGroupValues = null;
      this.selection = null;
      return this;
    }

    /**
     * As {@link #publicGroups(Dataset)} for a single group-by column, from values of the Java type
     * Spark uses for the column (String, Integer, Long, Boolean, BigDecimal, java.sql.Date or
     * LocalDate, java.sql.Timestamp or Instant, ...).
     *
     * @param values the groups, not null (a null element is the null group)
     * @return this builder
     */
    public Builder publicGroups(Collection<?> values) {
      Checks.notNull("publicGroups", values);
      this.publicGroupValues = new ArrayList<>(values);
      this.publicGroupRows = null;
      this.selection = null;
      return this;
    }

    /**
     * The budget of the whole query.
     *
     * @param budget epsilon positive; delta positive for Gaussian noise or private groups
     * @return this builder
     */
    public Builder budget(PrivacyBudget budget) {
      this.budget = Checks.notNull("budget", budget);
      return this;
    }

    /**
     * The noise of counts and sums: {@link NoiseKind#GAUSSIAN} (needs delta &gt; 0) or {@link
     * NoiseKind#LAPLACE}.
     *
     * @param noise not null
     * @return this builder
     */
    public Builder noise(NoiseKind noise) {
      this.noise = Checks.notNull("noise", noise);
      return this;
    }

    /**
     * Adds 95% confidence intervals ({@code _low}, {@code _high} columns) to counts, sums and
     * means. They cover the noise only: not clamping, contribution bounding or partition selection.
     * Each holds with probability at least 0.95 on its own (not simultaneously).
     *
     * @return this builder
     */
    public Builder confidenceIntervals() {
      this.confidenceIntervals = true;
      return this;
    }

    /**
     * How the budget is divided among the releases; {@link BudgetSplit#JOINT} (the default) gives
     * the least noise, {@link BudgetSplit#EQUAL} is there for comparisons.
     *
     * @param split not null
     * @return this builder
     */
    public Builder budgetSplit(BudgetSplit split) {
      this.split = Checks.notNull("split", split);
      return this;
    }

    /**
     * Where randomness comes from; {@link Randomness#secure()} unless a test asks for a NOT PRIVATE
     * mode.
     *
     * @param randomness not null
     * @return this builder
     */
    public Builder randomness(Randomness randomness) {
      this.randomness = Checks.notNull("randomness", randomness);
      return this;
    }

    /**
     * Builds the query and runs it: {@code build().run(filter).groups()}.
     *
     * @param filter the budget to spend the query's event from, before anything runs
     * @return the released groups
     */
    public Dataset<Row> run(PrivacyFilter filter) {
      return build().run(filter).groups();
    }

    /**
     * Checks the query against the data's schema and calibrates it; reads no data.
     *
     * @return the query
     * @throws IllegalArgumentException for a missing or ill-typed column, a missing setting, or a
     *     budget that cannot pay for the query
     */
    public DpAggregation build() {
      StructType schema = data.schema();
      List<String> columns = Arrays.asList(schema.fieldNames());
      Checks.require(privacyUnit != null, "privacyUnit", "set", "nothing");
      DataType unitType = column(schema, columns, "privacyUnit", privacyUnit);
      requireKeyType("privacyUnit", privacyUnit, unitType);
      Checks.require(!groupBy.isEmpty(), "groupBy", "at least one column", "none");
      Checks.require(
          new LinkedHashSet<>(groupBy).size() == groupBy.size(),
          "groupBy",
          "distinct columns",
          groupBy);
      List<DataType> groupTypes = new ArrayList<>();
      for (String g : groupBy) {
        Checks.require(
            !g.equals(privacyUnit),
            "groupBy",
            "columns other than the privacy unit " + privacyUnit,
            groupBy);
        DataType t = column(schema, columns, "groupBy", g);
        requireKeyType("groupBy", g, t);
        groupTypes.add(t);
      }
      Checks.require(!metrics.isEmpty(), "metrics", "at least one metric", "none");
      Set<String> names = new LinkedHashSet<>(groupBy);
      for (Metric m : metrics) {
        for (String name : m.outputColumns()) {
          Checks.require(
              names.add(name),
              "metrics",
              "distinct output columns (and distinct from " + "the group-by columns)",
              name + " twice");
        }
        if (m.column().isPresent()) {
          String c = m.column().get();
          DataType t = column(schema, columns, "metric column", c);
          Checks.require(
              t.sameType(DataTypes.DoubleType)
                  || t.sameType(DataTypes.FloatType)
                  || t.sameType(DataTypes.LongType)
                  || t.sameType(DataTypes.IntegerType)
                  || t.sameType(DataTypes.ShortType)
                  || t.sameType(DataTypes.ByteType)
                  || t instanceof DecimalType,
              "metric column '" + c + "'",
              "numeric",
              t.simpleString());
        }
      }
      Checks.require(budget != null, "budget", "set", "nothing");
      NoiseKind kind =
          noise != null ? noise : budget.delta() > 0 ? NoiseKind.GAUSSIAN : NoiseKind.LAPLACE;
      boolean isPublic = publicGroupRows != null || publicGroupValues != null;
      PartitionSelection rule =
          selection != null
              ? selection
              : kind == NoiseKind.LAPLACE
                  ? PartitionSelection.TRUNCATED_GEOMETRIC
                  : PartitionSelection.GAUSSIAN_THRESHOLD;
      Checks.require(budget.epsilon() > 0, "budget.epsilon", "positive", budget.epsilon());
      Checks.require(
          kind != NoiseKind.GAUSSIAN || budget.delta() > 0,
          "budget.delta",
          "positive for Gaussian noise (use noise(NoiseKind.LAPLACE) for pure DP)",
          budget.delta());
      Checks.require(
          isPublic || budget.delta() > 0,
          "budget.delta",
          "positive for private partition selection (only public groups allow pure DP)",
          budget.delta());
      Checks.require(
          isPublic || kind == NoiseKind.GAUSSIAN || rule == PartitionSelection.TRUNCATED_GEOMETRIC,
          "partition selection",
          "TRUNCATED_GEOMETRIC with Laplace noise",
          rule);
      Dataset<Row> keys = isPublic ? publicKeys(groupTypes) : null;

      Plan plan = new Plan();
      for (Metric m : metrics) {
        plan.add(m, confidenceIntervals);
      }
      SelectionSpec.Kind selectionKind =
          isPublic
              ? SelectionSpec.Kind.PUBLIC
              : rule == PartitionSelection.GAUSSIAN_THRESHOLD
                  ? SelectionSpec.Kind.GAUSSIAN_THRESHOLD
                  : SelectionSpec.Kind.TRUNCATED_GEOMETRIC;
      if (selectionKind == SelectionSpec.Kind.GAUSSIAN_THRESHOLD) {
        plan.part(Part.distinctUnits());
      }
      QueryCalibration.Result cal =
          QueryCalibration.calibrate(
              budget,
              kind,
              plan.parts,
              plan.quantileRanks.size(),
              selectionKind,
              maxGroupsPerUnit,
              maxRowsPerGroup,
              split == BudgetSplit.EQUAL);
      List<QuantileSpec> quantiles = new ArrayList<>();
      for (int q = 0; q < plan.quantileRanks.size(); q++) {
        double rank = plan.quantileRanks.get(q);
        quantiles.add(
            new QuantileSpec(
                plan.quantileHistograms.get(q),
                rank,
                cal.quantileEpsilonPerGroup(),
                maxRowsPerGroup * Math.max(rank, 1 - rank)));
      }
      SipHash key =
          randomness.mode() == RandomnessMode.SECURE
              ? SipHash.randomKey(new SecureRandom())
              : SipHash.withKey(randomness.seed(), ~randomness.seed());
      ExecutionSpec spec =
          new ExecutionSpec(
              groupBy.size(),
              plan.values,
              maxGroupsPerUnit,
              maxRowsPerGroup,
              plan.parts,
              cal.mechanisms(),
              plan.histograms,
              quantiles,
              cal.selection(),
              plan.outputs,
              CONFIDENCE_LEVEL,
              randomness.mode(),
              randomness.seed(),
              key);
      Calibration report = report(kind, plan, cal, isPublic);
      StructType released = QueryPipeline.releasedSchema(groupTypes, spec);
      StructField[] fields = released.fields();
      for (int g = 0; g < groupBy.size(); g++) {
        fields[g] = DataTypes.createStructField(groupBy.get(g), groupTypes.get(g), true);
      }
      String description =
          String.join(", ", names.stream().skip(groupBy.size()).toList())
              + " by "
              + String.join(", ", groupBy);
      return new DpAggregation(
          this, groupTypes, keys, spec, report, DataTypes.createStructType(fields), description);
    }

    private Calibration report(
        NoiseKind kind, Plan plan, QueryCalibration.Result cal, boolean isPublic) {
      List<NoisyRelease> sums = new ArrayList<>();
      for (int i = 0; i < plan.parts.size(); i++) {
        Part p = plan.parts.get(i);
        MechanismSpec m = cal.mechanisms().get(i);
        double perGroup = p.perGroupUnits(maxRowsPerGroup);
        double sensitivity =
            kind == NoiseKind.GAUSSIAN
                ? Math.sqrt(maxGroupsPerUnit) * perGroup
                : maxGroupsPerUnit * perGroup;
        sums.add(
            new NoisyRelease(
                p.describe(plan.values),
                p.toValue(sensitivity),
                p.toValue(m.scale()),
                p.toValue(cal.equalSplitMultiplier() * sensitivity)));
      }
      SelectionSpec s = cal.selection();
      String selectionText =
          switch (s.kind()) {
            case PUBLIC ->
                "a public list (every listed group is released, with noise only where it "
                    + "has no rows; rows of other groups are dropped)";
            case GAUSSIAN_THRESHOLD ->
                String.format(
                    Locale.ROOT,
                    "private partition selection by Gaussian thresholding: a group is released when"
                        + " its noisy unit count (noise standard deviation %.4g) exceeds %.4g, so"
                        + " that a group only one unit contributes to is released with probability"
                        + " at most %.3g",
                    s.threshold().sigma(),
                    s.threshold().threshold(),
                    s.threshold().releaseProbability(1));
            case TRUNCATED_GEOMETRIC ->
                String.format(
                    Locale.ROOT,
                    "private partition selection by the truncated geometric rule of Desfontaines et"
                        + " al. (2022) at epsilon %.4g and delta %.3g per group",
                    s.geometric().epsilon(),
                    s.geometric().delta());
          };
      return new Calibration(
          budget,
          kind,
          cal.releases(),
          cal.noiseMultiplier(),
          cal.equalSplitMultiplier(),
          sums,
          cal.quantileEpsilonPerGroup(),
          cal.equalSplitQuantileEpsilonPerGroup(),
          selectionText,
          cal.event());
    }

    private Dataset<Row> publicKeys(List<DataType> groupTypes) {
      SparkSession spark = data.sparkSession();
      List<Column> select = new ArrayList<>();
      if (publicGroupRows != null) {
        StructType schema = publicGroupRows.schema();
        List<String> columns = Arrays.asList(schema.fieldNames());
        for (int g = 0; g < groupBy.size(); g++) {
          String name = groupBy.get(g);
          DataType t = column(schema, columns, "publicGroups column", name);
          Checks.require(
              t.sameType(groupTypes.get(g)),
              "publicGroups column '" + name + "'",
              "of the data's type " + groupTypes.get(g).simpleString(),
              t.simpleString());
          select.add(
              org.apache
                  .spark
                  .sql
                  .functions
                  .col(QueryPipeline.quote(name))
                  .as(QueryPipeline.groupName(g)));
        }
        return publicGroupRows.select(select.toArray(new Column[0])).distinct();
      }
      Checks.require(
          groupBy.size() == 1,
          "publicGroups(values)",
          "used with exactly one group-by column (use publicGroups(Dataset) for several)",
          groupBy.size() + " columns");
      List<Row> rows = new ArrayList<>();
      for (Object v : new LinkedHashSet<>(publicGroupValues)) {
        Checks.require(
            v == null || javaTypeFits(v, groupTypes.get(0)),
            "publicGroups value",
            "of the Java type Spark uses for " + groupTypes.get(0).simpleString(),
            v + " (" + (v == null ? "null" : v.getClass().getSimpleName()) + ")");
        rows.add(RowFactory.create(v));
      }
      StructType schema =
          DataTypes.createStructType(
              List.of(
                  DataTypes.createStructField(
                      QueryPipeline.groupName(0), groupTypes.get(0), true)));
      return spark.createDataFrame(rows, schema);
    }
  }

  /** Parts, histograms and outputs of a query, deduplicated. */
  private static final class Plan {
    private final List<String> values = new ArrayList<>();
    private final List<Part> parts = new ArrayList<>();
    private final Map<List<Object>, Integer> partIndex = new LinkedHashMap<>();
    private final List<HistogramSpec> histograms = new ArrayList<>();
    private final List<Double> quantileRanks = new ArrayList<>();
    private final List<Integer> quantileHistograms = new ArrayList<>();
    private final List<OutputSpec> outputs = new ArrayList<>();

    int value(String column) {
      int i = values.indexOf(column);
      if (i < 0) {
        values.add(column);
        i = values.size() - 1;
      }
      return i;
    }

    int part(Part p) {
      List<Object> key = Arrays.asList(p.kind(), p.valueIndex(), p.bounds());
      Integer i = partIndex.get(key);
      if (i == null) {
        parts.add(p);
        i = parts.size() - 1;
        partIndex.put(key, i);
      }
      return i;
    }

    int valuePart(PartKind kind, String column, Bounds b) {
      return part(Part.ofValues(kind, value(column), ValueBounds.of(b)));
    }

    void add(Metric m, boolean intervals) {
      if (m instanceof Metric.Count) {
        outputs.add(
            new OutputSpec(
                "count", OutputKind.COUNT, List.of(part(Part.count())), null, -1, intervals));
      } else if (m instanceof Metric.DistinctUnits) {
        outputs.add(
            new OutputSpec(
                "distinct_units",
                OutputKind.DISTINCT_UNITS,
                List.of(part(Part.distinctUnits())),
                null,
                -1,
                intervals));
      } else if (m instanceof Metric.Sum s) {
        outputs.add(
            new OutputSpec(
                s.outputColumns().get(0),
                OutputKind.SUM,
                List.of(valuePart(PartKind.SUM, s.name(), s.bounds())),
                ValueBounds.of(s.bounds()),
                -1,
                intervals));
      } else if (m instanceof Metric.Mean s) {
        int count = part(Part.count());
        int sum = valuePart(PartKind.CENTERED_SUM, s.name(), s.bounds());
        outputs.add(
            new OutputSpec(
                s.outputColumns().get(0),
                OutputKind.MEAN,
                List.of(count, sum),
                ValueBounds.of(s.bounds()),
                -1,
                intervals));
      } else if (m instanceof Metric.Variance s) {
        int count = part(Part.count());
        int sum = valuePart(PartKind.CENTERED_SUM, s.name(), s.bounds());
        int squares = valuePart(PartKind.CENTERED_SQUARES, s.name(), s.bounds());
        outputs.add(
            new OutputSpec(
                s.outputColumns().get(0),
                OutputKind.VARIANCE,
                List.of(count, sum, squares),
                ValueBounds.of(s.bounds()),
                -1,
                false));
      } else if (m instanceof Metric.Quantiles s) {
        int valueIndex = value(s.name());
        int h = -1;
        for (int i = 0; i < histograms.size(); i++) {
          HistogramSpec hs = histograms.get(i);
          if (hs.valueIndex() == valueIndex && hs.bounds().equals(ValueBounds.of(s.bounds()))) {
            h = i;
          }
        }
        if (h < 0) {
          histograms.add(
              new HistogramSpec(valueIndex, ValueBounds.of(s.bounds()), QUANTILE_CANDIDATES));
          h = histograms.size() - 1;
        }
        for (int r = 0; r < s.ranks().size(); r++) {
          quantileRanks.add(s.ranks().get(r));
          quantileHistograms.add(h);
          outputs.add(
              new OutputSpec(
                  s.outputColumns().get(r),
                  OutputKind.QUANTILE,
                  List.of(),
                  ValueBounds.of(s.bounds()),
                  quantileRanks.size() - 1,
                  false));
        }
      }
    }
  }

  private static Bounds bounds(String column, double lower, double upper) {
    Checks.require(Double.isFinite(lower), "lower bound of " + column, "finite", lower);
    Checks.require(Double.isFinite(upper), "upper bound of " + column, "finite", upper);
    Checks.require(upper > lower, "upper bound of " + column, "> lower bound " + lower, upper);
    return new Bounds(lower, upper);
  }

  private static DataType column(
      StructType schema, List<String> columns, String role, String name) {
    Checks.require(
        columns.contains(name),
        role + " '" + name + "'",
        "a column of the data (columns: " + String.join(", ", columns) + ")",
        "none");
    return schema.apply(name).dataType();
  }

  private static void requireKeyType(String role, String name, DataType t) {
    boolean ok =
        t.sameType(DataTypes.StringType)
            || t.sameType(DataTypes.LongType)
            || t.sameType(DataTypes.IntegerType)
            || t.sameType(DataTypes.ShortType)
            || t.sameType(DataTypes.ByteType)
            || t.sameType(DataTypes.BooleanType)
            || t instanceof DecimalType
            || t.sameType(DataTypes.DateType)
            || t.sameType(DataTypes.TimestampType)
            || t.sameType(DataTypes.TimestampNTZType);
    Checks.require(
        ok,
        role + " column '" + name + "'",
        "of a string, integer, boolean, decimal, date or timestamp type",
        t.simpleString());
  }

  private static boolean javaTypeFits(Object v, DataType t) {
    if (t.sameType(DataTypes.StringType)) {
      return v instanceof String;
    } else if (t.sameType(DataTypes.LongType)) {
      return v instanceof Long;
    } else if (t.sameType(DataTypes.IntegerType)) {
      return v instanceof Integer;
    } else if (t.sameType(DataTypes.ShortType)) {
      return v instanceof Short;
    } else if (t.sameType(DataTypes.ByteType)) {
      return v instanceof Byte;
    } else if (t.sameType(DataTypes.BooleanType)) {
      return v instanceof Boolean;
    } else if (t instanceof DecimalType) {
      return v instanceof java.math.BigDecimal;
    } else if (t.sameType(DataTypes.DateType)) {
      return v instanceof java.sql.Date || v instanceof java.time.LocalDate;
    } else if (t.sameType(DataTypes.TimestampType)) {
      return v instanceof java.sql.Timestamp || v instanceof java.time.Instant;
    } else if (t.sameType(DataTypes.TimestampNTZType)) {
      return v instanceof java.time.LocalDateTime;
    }
    return false;
  }
}

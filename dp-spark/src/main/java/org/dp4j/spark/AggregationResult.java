package org.dp4j.spark;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.dp4j.core.budget.SpendReceipt;
import org.dp4j.core.internal.Checks;

/**
 * The released groups of one {@link DpAggregation} run and what they cost.
 *
 * <p>{@link #groups()} is built from rows computed once (a local relation on the driver): every
 * action on it, and every call of {@link #rows()}, returns the same values. Running the query again
 * draws new noise and spends again.
 *
 * @param groups the released groups: the group-by columns, then the metric columns
 * @param rows the same rows, as collected (an immutable list)
 * @param receipt the filter's receipt for the query's event, recorded before anything was computed
 * @param calibration how the budget was spent
 * @param privacyStatement what the release guarantees, in words
 * @param isPrivate false only in a NOT PRIVATE test mode
 */
public record AggregationResult(
    Dataset<Row> groups,
    List<Row> rows,
    SpendReceipt receipt,
    Calibration calibration,
    String privacyStatement,
    boolean isPrivate) {

  /**
   * Validates and copies the rows.
   *
   * @param groups the released groups, not null
   * @param rows the same rows, as collected; copied
   * @param receipt the filter's receipt, not null
   * @param calibration how the budget was spent, not null
   * @param privacyStatement the statement, not null
   * @param isPrivate false only in a NOT PRIVATE test mode
   */
  public AggregationResult {
    Checks.notNull("groups", groups);
    rows = List.copyOf(rows);
    Checks.notNull("receipt", receipt);
    Checks.notNull("calibration", calibration);
    Checks.notNull("privacyStatement", privacyStatement);
  }
}

package org.dp4j.spark.internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.dp4j.core.internal.Checks;

/**
 * Everything the executors of one query need, fixed on the driver before the budget is spent:
 * bounding limits, the parts and the mechanisms that noise them, the selection rule, the quantile
 * mechanisms and the released columns. Immutable and serializable; it holds no data.
 *
 * @param groupColumns the number of group-by columns
 * @param valueColumns the value column names (in the order of the rows' value fields)
 * @param maxGroupsPerUnit K
 * @param maxRowsPerGroup M
 * @param parts the elementary sums
 * @param mechanisms one per part (null entries only without noise)
 * @param histograms the quantile histograms
 * @param quantiles the quantile selections
 * @param selection which groups are released
 * @param outputs the released columns, in order
 * @param confidenceLevel the level of the confidence intervals (used only by outputs that have one)
 * @param randomness where the randomness comes from
 * @param seed the seed of a NOT PRIVATE mode (0 otherwise)
 * @param boundingKey the bounding PRF's key
 */
public record ExecutionSpec(
    int groupColumns,
    List<String> valueColumns,
    int maxGroupsPerUnit,
    int maxRowsPerGroup,
    List<Part> parts,
    List<MechanismSpec> mechanisms,
    List<HistogramSpec> histograms,
    List<QuantileSpec> quantiles,
    SelectionSpec selection,
    List<OutputSpec> outputs,
    double confidenceLevel,
    RandomnessMode randomness,
    long seed,
    SipHash boundingKey)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Validates and copies the lists. */
  public ExecutionSpec {
    Checks.positive("groupColumns", groupColumns);
    valueColumns = List.copyOf(valueColumns);
    Checks.positive("maxGroupsPerUnit", maxGroupsPerUnit);
    Checks.positive("maxRowsPerGroup", maxRowsPerGroup);
    parts = List.copyOf(parts);
    Checks.require(
        mechanisms.size() == parts.size(), "mechanisms", "one per part", mechanisms.size());
    mechanisms = java.util.Collections.unmodifiableList(new ArrayList<>(mechanisms));
    histograms = List.copyOf(histograms);
    quantiles = List.copyOf(quantiles);
    Checks.notNull("selection", selection);
    outputs = List.copyOf(outputs);
    Checks.notNull("randomness", randomness);
    Checks.notNull("boundingKey", boundingKey);
  }

  /** Whether noise is added (false only in the NOT PRIVATE mode without noise). */
  public boolean noisy() {
    return randomness != RandomnessMode.SEEDED_WITHOUT_NOISE;
  }

  /** The value parts, in order: their sums follow the {@code rows} and {@code units} fields. */
  public List<Integer> valuePartIndices() {
    List<Integer> indices = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      if (parts.get(i).isValuePart()) {
        indices.add(i);
      }
    }
    return indices;
  }
}

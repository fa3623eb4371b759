package org.dp4j.spark.internal;

import java.io.Serializable;
import org.dp4j.core.internal.Checks;

/**
 * One private quantile per group: the exponential mechanism over a histogram's candidates with
 * utility {@code -|#{x < c_j} - q n|}. Adding or removing one unit changes up to M values of a
 * group, which moves {@code #{x < c_j} - q n} by at most {@code M max(q, 1 - q)}: that is the
 * utility sensitivity. Each group's selection is {@code epsilonPerGroup}-DP; a unit touches at most
 * K groups.
 *
 * @param histogram index of the histogram
 * @param rank q, in {@code [0, 1]}
 * @param epsilonPerGroup the exponential mechanism's epsilon in each group, positive
 * @param utilitySensitivity {@code M max(q, 1 - q)}
 */
public record QuantileSpec(
    int histogram, double rank, double epsilonPerGroup, double utilitySensitivity)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Validates the fields. */
  public QuantileSpec {
    Checks.nonNegative("histogram", histogram);
    Checks.probability("rank", rank);
    Checks.positiveFinite("epsilonPerGroup", epsilonPerGroup);
    Checks.positiveFinite("utilitySensitivity", utilitySensitivity);
  }
}

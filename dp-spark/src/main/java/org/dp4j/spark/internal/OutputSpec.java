package org.dp4j.spark.internal;

import java.io.Serializable;
import java.util.List;
import org.dp4j.core.internal.Checks;

/**
 * One released column (or three with a confidence interval: the value, {@code _low} and {@code
 * _high}).
 *
 * @param name the column name
 * @param kind how it is computed
 * @param parts the part indices it reads: COUNT, DISTINCT_UNITS and SUM one; MEAN (count, centred
 *     sum); VARIANCE (count, centred sum, centred squares); QUANTILE none
 * @param bounds the clamping bounds of a value metric, else null
 * @param quantile the quantile index for QUANTILE, else -1
 * @param interval whether {@code _low}/{@code _high} columns follow
 */
public record OutputSpec(
    String name,
    OutputKind kind,
    List<Integer> parts,
    ValueBounds bounds,
    int quantile,
    boolean interval)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Validates and copies. */
  public OutputSpec {
    Checks.notNull("name", name);
    Checks.notNull("kind", kind);
    parts = List.copyOf(parts);
  }

  /** How many output columns this produces. */
  public int width() {
    return interval ? 3 : 1;
  }
}

package org.dp4j.spark.internal;

import java.io.Serializable;
import org.dp4j.core.internal.Checks;

/**
 * One elementary noisy sum of a query, computed per group in <em>fixed point</em>.
 *
 * <p>Each row's term (1 for a count, the clamped value, its centred value or its square) is
 * converted to an integer number of units {@code rint(term * 2^unitExponent)}, with the exponent
 * chosen so that no term exceeds 2^20 units in magnitude. Sums of integers are exact and do not
 * depend on the order Spark adds them in, so a unit's influence on a group's sum is at most M times
 * its largest term, exactly: floating-point sums, whose rounding depends on the other rows, can
 * exceed that bound (Casacuberta, Shoemate, Vadhan &amp; Wagaman, "Widespread underestimation of
 * sensitivity in differentially private libraries and how to fix it", CCS 2022). The resolution is
 * {@code 2^-20} of the largest term; noise is added to the integer sum (as a double, exact below
 * 2^53; larger sums are clamped to +/-(2^53 - 1), which cannot increase the sensitivity) and the
 * result scaled back by the exact power of two.
 *
 * @param kind what is summed
 * @param valueIndex the index of the value column among the query's value columns; -1 for {@link
 *     PartKind#COUNT} and {@link PartKind#DISTINCT_UNITS}
 * @param bounds the clamping bounds ({@code lower < upper}); null for counts
 * @param unitExponent the term is scaled by {@code 2^unitExponent} (0 for counts)
 * @param maxTermUnits the largest |term| in units, at least 1
 */
public record Part(
    PartKind kind, int valueIndex, ValueBounds bounds, int unitExponent, long maxTermUnits)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Largest term in units: 2^20. */
  public static final long MAX_TERM_UNITS = 1L << 20;

  /** Largest exact sum: 2^53 - 1 units. */
  public static final long MAX_EXACT_SUM = (1L << 53) - 1;

  /** Validates the fields. */
  public Part {
    Checks.notNull("kind", kind);
    boolean counting = kind == PartKind.COUNT || kind == PartKind.DISTINCT_UNITS;
    Checks.require(
        counting == (valueIndex < 0),
        "valueIndex",
        counting ? "-1 for a count" : ">= 0",
        valueIndex);
    Checks.require(
        counting == (bounds == null), "bounds", counting ? "null for a count" : "given", bounds);
    Checks.require(
        maxTermUnits >= 1 && maxTermUnits <= MAX_TERM_UNITS,
        "maxTermUnits",
        "in [1, 2^20]",
        maxTermUnits);
  }

  /** The rows counted per group. */
  public static Part count() {
    return new Part(PartKind.COUNT, -1, null, 0, 1);
  }

  /** The privacy units counted per group. */
  public static Part distinctUnits() {
    return new Part(PartKind.DISTINCT_UNITS, -1, null, 0, 1);
  }

  /**
   * A value part: the exponent is chosen from the largest magnitude a term can take.
   *
   * @param kind {@link PartKind#SUM}, {@link PartKind#CENTERED_SUM} or {@link
   *     PartKind#CENTERED_SQUARES}
   * @param valueIndex index of the value column
   * @param bounds clamping bounds with {@code lower < upper}
   * @return the part
   */
  public static Part ofValues(PartKind kind, int valueIndex, ValueBounds bounds) {
    Checks.notNull("bounds", bounds);
    Checks.require(
        bounds.upper() > bounds.lower(), "upper", "> lower = " + bounds.lower(), bounds.upper());
    double largest =
        Math.max(
            Math.abs(rawTerm(kind, bounds, bounds.lower())),
            Math.abs(rawTerm(kind, bounds, bounds.upper())));
    Checks.require(
        largest < Double.POSITIVE_INFINITY,
        "bounds [" + bounds.lower() + ", " + bounds.upper() + "]",
        "narrow enough that ((upper - lower) / 2)^2 is finite for a " + kind,
        largest);
    if (kind != PartKind.SUM && !(largest > 0)) {
      largest = Double.MIN_NORMAL; // centred terms of a width that rounds to 0: all terms 0
    }
    int exponent = largest > 0 ? 19 - Math.getExponent(largest) : 0;
    long maxUnits = (long) Math.ceil(Math.scalb(largest, exponent));
    return new Part(kind, valueIndex, bounds, exponent, Math.max(1, maxUnits));
  }

  /** Whether this part sums a value column. */
  public boolean isValuePart() {
    return valueIndex >= 0;
  }

  /**
   * A row's term in units: {@code rint(term(value) * 2^unitExponent)}. Monotone in the term, so its
   * magnitude never exceeds {@link #maxTermUnits()}.
   *
   * @param value the raw value (not NaN); it is clamped first
   * @return the term in units
   */
  public long units(double value) {
    return (long) Math.rint(Math.scalb(rawTerm(kind, bounds, bounds.clamp(value)), unitExponent));
  }

  /** One group's sensitivity in units: M times the largest term (1 for distinct units). */
  public double perGroupUnits(int maxRowsPerGroup) {
    return kind == PartKind.DISTINCT_UNITS ? 1.0 : (double) maxRowsPerGroup * maxTermUnits;
  }

  /** Units back to the query's scale: exact division by the power of two. */
  public double toValue(double unitsValue) {
    return Math.scalb(unitsValue, -unitExponent);
  }

  /** An integer sum as the double the mechanism adds noise to: clamped to +/-(2^53 - 1), exact. */
  public static double exactSum(long sumUnits) {
    return (double) Math.max(-MAX_EXACT_SUM, Math.min(MAX_EXACT_SUM, sumUnits));
  }

  private static double rawTerm(PartKind kind, ValueBounds bounds, double clamped) {
    return switch (kind) {
      case SUM -> clamped;
      case CENTERED_SUM -> clamped - bounds.midpoint();
      case CENTERED_SQUARES -> {
        double c = clamped - bounds.midpoint();
        yield c * c;
      }
      case COUNT, DISTINCT_UNITS -> 1.0;
    };
  }

  /** A short name for reports: {@code count}, {@code sum(spent)}, ... */
  public String describe(java.util.List<String> valueColumns) {
    return switch (kind) {
      case COUNT -> "count";
      case DISTINCT_UNITS -> "distinct units";
      case SUM -> "sum(" + valueColumns.get(valueIndex) + ")";
      case CENTERED_SUM -> "centred sum(" + valueColumns.get(valueIndex) + ")";
      case CENTERED_SQUARES -> "centred sum of squares(" + valueColumns.get(valueIndex) + ")";
    };
  }
}

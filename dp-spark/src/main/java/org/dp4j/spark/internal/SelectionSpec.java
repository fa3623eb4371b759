package org.dp4j.spark.internal;

import java.io.Serializable;
import org.dp4j.core.internal.Checks;

/**
 * Which groups are released.
 *
 * @param kind public list, Gaussian thresholding or the truncated geometric rule
 * @param threshold the Gaussian rule, or null
 * @param geometric the truncated geometric rule, or null
 * @param distinctPart the index of the distinct-units part whose noisy value is thresholded, or -1
 */
public record SelectionSpec(
    Kind kind, GaussianThresholdRule threshold, TruncatedGeometricRule geometric, int distinctPart)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** How groups are chosen. */
  public enum Kind {
    /** A public list: every listed group is released, present in the data or not. */
    PUBLIC,
    /** Noisy unit count above a threshold. */
    GAUSSIAN_THRESHOLD,
    /** Desfontaines et al.'s optimal rule, per group. */
    TRUNCATED_GEOMETRIC
  }

  /** Validates that the rule matches the kind. */
  public SelectionSpec {
    Checks.notNull("kind", kind);
    Checks.require(
        (kind == Kind.GAUSSIAN_THRESHOLD) == (threshold != null && distinctPart >= 0),
        "threshold",
        "given exactly for Gaussian thresholding",
        threshold);
    Checks.require(
        (kind == Kind.TRUNCATED_GEOMETRIC) == (geometric != null),
        "geometric",
        "given exactly for the truncated geometric rule",
        geometric);
  }

  /** Public groups. */
  public static SelectionSpec publicGroups() {
    return new SelectionSpec(Kind.PUBLIC, null, null, -1);
  }
}

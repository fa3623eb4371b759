package org.dp4j.spark.internal;

import java.io.Serializable;
import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.aggregation.Bounds;

/**
 * Clamping bounds that travel to executors: the serializable twin of dp-mechanisms' {@link Bounds},
 * with the same arithmetic ({@link #clamp}, {@link #midpoint}, {@link #halfWidth}).
 *
 * @param lower finite
 * @param upper finite, greater than {@code lower}
 */
public record ValueBounds(double lower, double upper) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Validates the bounds. */
  public ValueBounds {
    Checks.finite("lower", lower);
    Checks.finite("upper", upper);
    Checks.require(upper > lower, "upper", "> lower = " + lower, upper);
  }

  /** The same bounds as a dp-mechanisms {@link Bounds}. */
  public static ValueBounds of(Bounds bounds) {
    Checks.notNull("bounds", bounds);
    return new ValueBounds(bounds.lower(), bounds.upper());
  }

  /** {@code value} clamped into the bounds (infinities to the nearer bound); NaN stays NaN. */
  public double clamp(double value) {
    return value < lower ? lower : value > upper ? upper : value;
  }

  /** {@code lower / 2 + upper / 2}, as {@link Bounds#midpoint()}. */
  public double midpoint() {
    return lower / 2 + upper / 2;
  }

  /** {@code upper / 2 - lower / 2}, as {@link Bounds#halfWidth()}. */
  public double halfWidth() {
    return upper / 2 - lower / 2;
  }
}

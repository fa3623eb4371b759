package org.dp4j.core.internal;

import java.util.Collection;

/**
 * Argument checks with one message shape everywhere: {@code "<name> must be <rule>, got <value>"}.
 *
 * <p>Every condition is written so that NaN fails it. Each method returns the checked value so a
 * check can sit in an assignment. Not public API.
 */
public final class Checks {

  private Checks() {}

  /**
   * Fails with the standard message unless {@code ok}.
   *
   * @param ok whether the rule holds
   * @param name the parameter name, as the caller knows it
   * @param rule the rule in words, e.g. {@code "positive and finite"}
   * @param value the offending value
   * @throws IllegalArgumentException when {@code ok} is false
   */
  public static void require(boolean ok, String name, String rule, Object value) {
    if (!ok) {
      throw new IllegalArgumentException(message(name, rule, value));
    }
  }

  /** The standard message: {@code "<name> must be <rule>, got <value>"}. */
  public static String message(String name, String rule, Object value) {
    return name + " must be " + rule + ", got " + value;
  }

  /** Rejects null. */
  public static <T> T notNull(String name, T value) {
    if (value == null) {
      throw new NullPointerException(name + " must not be null");
    }
    return value;
  }

  /** Rejects null collections and collections holding null. */
  public static <C extends Collection<?>> C noNulls(String name, C values) {
    notNull(name, values);
    for (Object v : values) {
      if (v == null) {
        throw new NullPointerException(name + " must not contain null, got " + values);
      }
    }
    return values;
  }

  /** {@code 0 < x < +inf}. */
  public static double positiveFinite(String name, double x) {
    require(x > 0 && x < Double.POSITIVE_INFINITY, name, "positive and finite", x);
    return x;
  }

  /** {@code 0 <= x < +inf}. */
  public static double nonNegativeFinite(String name, double x) {
    require(x >= 0 && x < Double.POSITIVE_INFINITY, name, "non-negative and finite", x);
    return x;
  }

  /** {@code 0 <= x <= +inf} (infinity allowed, NaN not). */
  public static double nonNegative(String name, double x) {
    require(x >= 0, name, "non-negative (NaN is not allowed)", x);
    return x;
  }

  /** {@code -inf < x < +inf}. */
  public static double finite(String name, double x) {
    require(Double.isFinite(x), name, "finite", x);
    return x;
  }

  /** A privacy delta: {@code 0 <= x < 1}. */
  public static double delta(String name, double x) {
    require(x >= 0 && x < 1, name, "in [0, 1)", x);
    return x;
  }

  /** A strictly positive privacy delta, as a target for an epsilon: {@code 0 < x < 1}. */
  public static double positiveDelta(String name, double x) {
    require(x > 0 && x < 1, name, "in (0, 1)", x);
    return x;
  }

  /** A probability: {@code 0 <= x <= 1}. */
  public static double probability(String name, double x) {
    require(x >= 0 && x <= 1, name, "in [0, 1]", x);
    return x;
  }

  /** A sampling rate: {@code 0 < x <= 1}. */
  public static double samplingRate(String name, double x) {
    require(x > 0 && x <= 1, name, "in (0, 1]", x);
    return x;
  }

  /** {@code x > 0}. */
  public static long positive(String name, long x) {
    require(x > 0, name, "positive", x);
    return x;
  }

  /** {@code x > 0}. */
  public static int positive(String name, int x) {
    require(x > 0, name, "positive", x);
    return x;
  }

  /** {@code x >= 0}. */
  public static long nonNegative(String name, long x) {
    require(x >= 0, name, "non-negative", x);
    return x;
  }

  /** {@code x >= 0}. */
  public static int nonNegative(String name, int x) {
    require(x >= 0, name, "non-negative", x);
    return x;
  }
}

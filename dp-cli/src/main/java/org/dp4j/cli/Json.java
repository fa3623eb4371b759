package org.dp4j.cli;

/**
 * The CLI's JSON convention for numbers, so that every JSON parser reads the output: a finite
 * double is a JSON number ({@link Double#toString(double)}, which round-trips exactly); a value
 * JSON cannot represent ({@code +Infinity}, {@code -Infinity}, NaN) is written as {@code null}, and
 * the same object gains a field named after it that holds the string {@code "Infinity"}, {@code
 * "-Infinity"} or {@code "NaN"}: {@code "<name>NonFinite"} in the camelCase objects of {@code
 * ledger show}, {@code "<name>_non_finite"} in the snake_case objects of the other commands. For
 * example an odometer's remaining epsilon is {@code
 * "remainingEpsilon":null,"remainingEpsilonNonFinite":"Infinity"}. Documented in {@code
 * docs/cli.md}.
 */
final class Json {

  private Json() {}

  /** The JSON value of {@code x}: its digits when finite, else {@code null}. */
  static String number(double x) {
    return Double.isFinite(x) ? Double.toString(x) : "null";
  }

  /** The name of the field that says why the camelCase field {@code name} is null. */
  static String nonFiniteKey(String name) {
    return name + "NonFinite";
  }

  /** The name of the field that says why the snake_case field {@code name} is null. */
  static String nonFiniteSnakeKey(String name) {
    return name + "_non_finite";
  }

  /** "Infinity", "-Infinity" or "NaN". */
  static String nonFiniteName(double x) {
    return Double.toString(x);
  }
}

package org.dp4j.cli;

/** Validation of flag values, with messages that name the flag as the user typed it. */
final class Flags {

  private Flags() {}

  static double samplingRate(String flag, double q) {
    if (!(q > 0 && q <= 1)) {
      throw UserError.flag(flag, "in (0, 1]", q);
    }
    return q;
  }

  static double delta(String flag, double d) {
    if (!(d > 0 && d < 1)) {
      throw UserError.flag(flag, "in (0, 1)", d);
    }
    return d;
  }

  static double positiveFinite(String flag, double x) {
    if (!(x > 0 && x < Double.POSITIVE_INFINITY)) {
      throw UserError.flag(flag, "positive and finite", x);
    }
    return x;
  }

  static double nonNegativeFinite(String flag, double x) {
    if (!(x >= 0 && x < Double.POSITIVE_INFINITY)) {
      throw UserError.flag(flag, "non-negative and finite", x);
    }
    return x;
  }

  static long steps(String flag, long n) {
    if (n < 1) {
      throw UserError.flag(flag, "a positive integer", n);
    }
    return n;
  }
}

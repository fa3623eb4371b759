package org.dp4j.cli;

/** A mistake in the user's input: printed as one line, exit status 2, no stack trace. */
final class UserError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  UserError(String message) {
    super(message);
  }

  /** The standard message for a flag whose value breaks a rule. */
  static UserError flag(String flag, String rule, Object value) {
    return new UserError(flag + " must be " + rule + ", got " + value);
  }
}

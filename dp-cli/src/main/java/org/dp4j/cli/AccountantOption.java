package org.dp4j.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import org.dp4j.core.accounting.AccountantKind;

/** The accountants selectable with {@code --accountant}: the two that analyse DP-SGD. */
enum AccountantOption {
  /** Renyi DP with the union of dp_accounting's and Opacus' order grids. */
  RDP(AccountantKind.RDP),
  /** Privacy loss distributions (near-exact, slower). */
  PLD(AccountantKind.PLD);

  private final AccountantKind kind;

  AccountantOption(AccountantKind kind) {
    this.kind = kind;
  }

  /** The accountant kind this option names. */
  AccountantKind kind() {
    return kind;
  }

  /** The flag value, {@code rdp} or {@code pld}. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The option naming {@code kind}, if {@code --accountant} offers it. */
  static Optional<AccountantOption> of(AccountantKind kind) {
    return Arrays.stream(values()).filter(o -> o.kind == kind).findFirst();
  }

  /** Lists the lower-case names for help text. */
  static final class Candidates implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(values()).map(AccountantOption::label).iterator();
    }
  }
}

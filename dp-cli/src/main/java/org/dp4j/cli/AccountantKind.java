package org.dp4j.cli;

import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.accounting.PrivacyAccountant;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.accounting.rdp.RdpAccountant;

/** The accountants selectable with {@code --accountant}. */
enum AccountantKind {
  /** Renyi DP with the union of dp_accounting's and Opacus' order grids. */
  RDP,
  /** Privacy loss distributions (near-exact, slower). */
  PLD;

  PrivacyAccountant create(NeighbouringRelation relation) {
    return switch (this) {
      case RDP -> new RdpAccountant(relation);
      case PLD -> new PldAccountant(relation);
    };
  }

  String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The class of the accountants this kind creates. */
  Class<? extends PrivacyAccountant> accountantClass() {
    return switch (this) {
      case RDP -> RdpAccountant.class;
      case PLD -> PldAccountant.class;
    };
  }

  /**
   * The kind whose accountants have the class named {@code className} (as a ledger header records
   * it), if any.
   */
  static java.util.Optional<AccountantKind> ofClassName(String className) {
    return java.util.Arrays.stream(values())
        .filter(k -> k.accountantClass().getName().equals(className))
        .findFirst();
  }

  /** Lists the lower-case names for help text. */
  static final class Candidates implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Arrays.stream(values()).map(AccountantKind::label).iterator();
    }
  }
}

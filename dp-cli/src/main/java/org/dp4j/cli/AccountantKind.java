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

  /** Lists the lower-case names for help text. */
  static final class Candidates implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Arrays.stream(values()).map(AccountantKind::label).iterator();
    }
  }
}

package org.dp4j.core.accounting;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.accounting.rdp.RdpAccountant;
import org.dp4j.core.accounting.rdp.ZcdpAccountant;
import org.dp4j.core.internal.Checks;

/**
 * The accountants dp4j provides, named by kind, so that a configuration can say which accountant it
 * uses with a value rather than a class name or a string. Each kind creates fresh, empty
 * accountants with default settings under a given relation; accountants with non-default settings
 * (for example {@link RdpAccountant#RdpAccountant(NeighbouringRelation, double[])}) are built with
 * their constructors and report their kind through {@link #of(PrivacyAccountant)}.
 */
public enum AccountantKind {
  /** {@link BasicCompositionAccountant}: epsilons and deltas add up (Dwork et al. 2006). */
  BASIC_COMPOSITION(BasicCompositionAccountant.class),
  /** {@link AdvancedCompositionAccountant}: Dwork, Rothblum and Vadhan 2010, Theorem III.3. */
  ADVANCED_COMPOSITION(AdvancedCompositionAccountant.class),
  /** {@link OptimalCompositionAccountant}: Kairouz, Oh and Viswanath 2015, Theorem 3.3. */
  OPTIMAL_COMPOSITION(OptimalCompositionAccountant.class),
  /** {@link RdpAccountant}: Renyi DP (Mironov 2017) over the union of the anchors' orders. */
  RDP(RdpAccountant.class),
  /** {@link ZcdpAccountant}: zero-concentrated DP (Bun and Steinke 2016). */
  ZCDP(ZcdpAccountant.class),
  /**
   * {@link PldAccountant}: privacy loss distributions (Koskela et al. 2020; Doroshenko et al.
   * 2022), the tightest of these for DP-SGD.
   */
  PLD(PldAccountant.class);

  private final Class<? extends PrivacyAccountant> accountantClass;

  AccountantKind(Class<? extends PrivacyAccountant> accountantClass) {
    this.accountantClass = accountantClass;
  }

  /**
   * A new, empty accountant of this kind with default settings.
   *
   * @param relation the neighbouring relation it states its guarantee under, not null
   * @return the accountant
   */
  public PrivacyAccountant create(NeighbouringRelation relation) {
    Checks.notNull("relation", relation);
    return switch (this) {
      case BASIC_COMPOSITION -> new BasicCompositionAccountant(relation);
      case ADVANCED_COMPOSITION -> new AdvancedCompositionAccountant(relation);
      case OPTIMAL_COMPOSITION -> new OptimalCompositionAccountant(relation);
      case RDP -> new RdpAccountant(relation);
      case ZCDP -> new ZcdpAccountant(relation);
      case PLD -> new PldAccountant(relation);
    };
  }

  /** {@return the class of the accountants this kind creates} */
  public Class<? extends PrivacyAccountant> accountantClass() {
    return accountantClass;
  }

  /**
   * {@return the lower-case name used on the command line and in statements: {@code "pld"}, {@code
   * "rdp"}, {@code "basic-composition"}, ...}
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The kind of {@code accountant}.
   *
   * @param accountant an accountant, not null
   * @return its kind, or empty when it is not one of dp4j's accountants (a user's own)
   */
  public static Optional<AccountantKind> of(PrivacyAccountant accountant) {
    Checks.notNull("accountant", accountant);
    return ofClassName(accountant.getClass().getName());
  }

  /**
   * The kind whose accountants have the fully qualified class name {@code className}, as a ledger
   * header records it.
   *
   * @param className a class name, not null
   * @return the kind, or empty when no kind has that class
   */
  public static Optional<AccountantKind> ofClassName(String className) {
    Checks.notNull("className", className);
    return Arrays.stream(values())
        .filter(k -> k.accountantClass.getName().equals(className))
        .findFirst();
  }
}

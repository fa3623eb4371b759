package org.dp4j.core.budget;

import java.time.Instant;
import java.util.Optional;
import org.dp4j.core.NeighbouringRelation;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.internal.Checks;

/**
 * The fixed facts at the start of a ledger file.
 *
 * @param formatVersion the ledger format version (currently {@value PrivacyLedger#FORMAT_VERSION})
 * @param mode limited or odometer
 * @param budgetEpsilon the total epsilon for {@code LIMITED}; {@code +Infinity} for an odometer
 * @param targetDelta the delta at which epsilon is stated, in {@code [0, 1)}
 * @param relation the accountant's neighbouring relation
 * @param accountant the accountant's fully qualified class name; reopening needs the same class
 * @param created when the ledger was created (UTC, milliseconds)
 */
public record LedgerHeader(
    int formatVersion,
    BudgetMode mode,
    double budgetEpsilon,
    double targetDelta,
    NeighbouringRelation relation,
    String accountant,
    Instant created) {

  /**
   * Validates the fields.
   *
   * @param formatVersion positive
   * @param mode not null
   * @param budgetEpsilon non-negative and finite for {@code LIMITED}, {@code +Infinity} for {@code
   *     ODOMETER}
   * @param targetDelta in {@code [0, 1)}
   * @param relation not null
   * @param accountant a non-empty class name
   * @param created not null
   * @throws IllegalArgumentException when a field breaks its rule
   * @throws NullPointerException when a field is null
   */
  public LedgerHeader {
    Checks.positive("formatVersion", formatVersion);
    Checks.notNull("mode", mode);
    if (mode == BudgetMode.LIMITED) {
      Checks.nonNegativeFinite("budgetEpsilon", budgetEpsilon);
    } else {
      Checks.require(
          budgetEpsilon == Double.POSITIVE_INFINITY,
          "budgetEpsilon",
          "+Infinity for an odometer",
          budgetEpsilon);
    }
    Checks.delta("targetDelta", targetDelta);
    Checks.notNull("relation", relation);
    Checks.notNull("accountant", accountant);
    Checks.require(!accountant.isEmpty(), "accountant", "a class name", "\"\"");
    Checks.notNull("created", created);
  }

  /** {@return the total budget; empty for an odometer} */
  public Optional<PrivacyBudget> budget() {
    return mode == BudgetMode.LIMITED
        ? Optional.of(PrivacyBudget.approximate(budgetEpsilon, targetDelta))
        : Optional.empty();
  }
}

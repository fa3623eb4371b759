package org.dp4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dp4j.core.PrivacyBudget;
import org.dp4j.core.accounting.pld.PldAccountant;
import org.dp4j.core.budget.LedgerContents;
import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.budget.PrivacyLedger;
import org.dp4j.core.budget.Reservation;
import org.dp4j.mechanisms.GaussianMechanism;
import org.dp4j.mechanisms.LaplaceMechanism;

/**
 * A budget with a ledger: every release is charged to a {@link PrivacyFilter} before it happens,
 * the filter refuses what the budget cannot afford, and a {@link PrivacyLedger} makes the spends
 * survive a restart or a crash.
 */
public final class BudgetWithLedger {

  private BudgetWithLedger() {}

  /**
   * Runs the example.
   *
   * @param args optionally the ledger file to create (by default one in a new temporary folder)
   * @throws IOException when the ledger file cannot be written or read
   */
  public static void main(String[] args) throws IOException {
    Path file =
        args.length > 0
            ? Path.of(args[0])
            : Files.createTempDirectory("dp4j-example").resolve("budget.ledger");
    PrivacyBudget total = PrivacyBudget.approximate(1.0, 1e-6);

    try (PrivacyLedger ledger = PrivacyLedger.create(file, new PldAccountant(), total)) {
      PrivacyFilter budget = ledger.filter();

      // Each release spends its cost from the filter first; the spend is on disk when it returns.
      LaplaceMechanism count = LaplaceMechanism.of(PrivacyBudget.pure(0.25), 1.0);
      double visitors = count.addNoise(1_234, budget, "visitors on Monday");
      double buyers = count.addNoise(321, budget, "buyers on Monday");
      System.out.printf("noisy counts: %.0f visitors, %.0f buyers%n", visitors, buyers);

      // A release that can fail after the check reserves its cost, then commits or releases it.
      GaussianMechanism sum = GaussianMechanism.of(PrivacyBudget.approximate(0.3, 1e-7), 60.0);
      Reservation reservation = budget.reserve(sum.event(), "revenue on Monday");
      double revenue = sum.addNoise(25_000.0);
      reservation.commit();
      System.out.printf("noisy revenue: %.2f%n", revenue);
      System.out.printf("spent epsilon %.4f of %s%n", budget.spent(), total);

      // Counts until the budget is spent: the first one it cannot afford is refused, and nothing
      // is recorded for it.
      int more = 0;
      try {
        while (true) {
          count.addNoise(42, budget, "count " + (more + 1) + " on Tuesday");
          more++;
        }
      } catch (PrivacyBudgetExceededException e) {
        System.out.printf("%d more counts fitted, then: %s%n", more, e.getMessage());
      }
    }

    // Reopened (after a restart), the ledger replays its spends: the budget carries over.
    try (PrivacyLedger reopened = PrivacyLedger.open(file, new PldAccountant())) {
      PrivacyFilter budget = reopened.filter();
      System.out.printf(
          "reopened: %d spends, epsilon %.4f spent, %.4f left%n",
          budget.operationCount(), budget.spent(), budget.remaining());
    }
    LedgerContents contents = PrivacyLedger.read(file);
    contents.byLabel().forEach(summary -> System.out.println("  ledger entry: " + summary));
  }
}

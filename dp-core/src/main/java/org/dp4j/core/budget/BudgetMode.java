package org.dp4j.core.budget;

/** Whether a {@link PrivacyFilter} enforces a limit. */
public enum BudgetMode {
  /** Spends that would exceed the total budget are refused. */
  LIMITED,
  /**
   * Report-only: every supported spend is recorded and nothing is ever refused. For exploration
   * only; an odometer gives no a-priori guarantee (Rogers, Roth, Ullman &amp; Vadhan 2016, "Privacy
   * Odometers and Filters").
   */
  ODOMETER
}

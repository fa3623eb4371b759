package org.dp4j.mechanisms;

import org.dp4j.core.budget.PrivacyBudgetExceededException;
import org.dp4j.core.budget.PrivacyFilter;
import org.dp4j.core.event.PrivacyEvent;
import org.dp4j.core.internal.Checks;

/**
 * A calibrated additive-noise mechanism for one real-valued query of bounded sensitivity.
 *
 * <p>Each call to {@link #addNoise(double)} is one release and costs {@link #event()}; recording it
 * (in an accountant) is the caller's job, or use {@link #addNoise(double, PrivacyFilter, String)},
 * which spends from a budget filter first. The sensitivity a mechanism is built with is the query's
 * sensitivity under the neighbouring relation of the filter it is charged to. Implementations are
 * not thread-safe.
 */
public interface NoiseMechanism {

  /**
   * The noisy value: one release.
   *
   * @param value the true value, finite
   * @return the released value
   * @throws IllegalArgumentException when {@code value} is NaN or infinite (nothing is released)
   */
  double addNoise(double value);

  /**
   * Spends {@link #event()} from {@code filter}, then releases: nothing is released when the budget
   * would be exceeded. The value is checked before spending, so a bad value wastes no budget.
   *
   * @param value the true value, finite
   * @param filter the budget filter to spend from, not null
   * @param label what is released, for the filter's ledger
   * @return the released value
   * @throws PrivacyBudgetExceededException when the filter refuses; nothing is released or spent
   * @throws IllegalArgumentException when {@code value} is not finite (nothing spent)
   */
  default double addNoise(double value, PrivacyFilter filter, String label) {
    Checks.finite("value", value);
    Checks.notNull("filter", filter);
    filter.spend(event(), label);
    return addNoise(value);
  }

  /**
   * {@return the privacy cost of one {@link #addNoise(double)} call} It is the exact cost under
   * whichever neighbouring relation the accountant uses, for a query whose sensitivity under that
   * relation is the one given at construction.
   */
  PrivacyEvent event();

  /**
   * An interval around a released value that contains the true value with probability at least
   * {@code confidenceLevel}. Post-processing: it costs no privacy.
   *
   * @param noisyValue a value released by this mechanism, finite
   * @param confidenceLevel in {@code (0, 1)}
   * @return the interval
   */
  ConfidenceInterval confidenceInterval(double noisyValue, double confidenceLevel);
}

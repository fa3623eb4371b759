package org.dp4j.mechanisms.aggregation;

import org.dp4j.core.internal.Checks;
import org.dp4j.mechanisms.ConfidenceInterval;

/**
 * A released statistic and an interval that contains the true (clamped-data) statistic with
 * probability at least its level.
 *
 * @param value the noisy value
 * @param confidenceInterval the interval, not null
 */
public record NoisyStatistic(double value, ConfidenceInterval confidenceInterval) {

  /**
   * Validates the interval's presence.
   *
   * @param value the noisy value
   * @param confidenceInterval the interval, not null
   */
  public NoisyStatistic {
    Checks.notNull("confidenceInterval", confidenceInterval);
  }
}

package org.dp4j.core.event;

import org.dp4j.core.internal.Checks;

/**
 * The inner event applied to a Poisson subsample: each record is included independently with
 * probability {@code samplingRate}. Amplification by subsampling is analysed under the add/remove
 * relation (Mironov, Talwar &amp; Zhang 2019; Zhu &amp; Wang 2019).
 *
 * @param samplingRate inclusion probability of each record, in {@code (0, 1]}
 * @param event the event applied to the sample, not null
 */
public record PoissonSampledEvent(double samplingRate, PrivacyEvent event) implements PrivacyEvent {

  /**
   * Validates both parameters.
   *
   * @param samplingRate in {@code (0, 1]}
   * @param event not null
   * @throws IllegalArgumentException when the rate is outside {@code (0, 1]} or NaN
   */
  public PoissonSampledEvent {
    Checks.samplingRate("samplingRate", samplingRate);
    Checks.notNull("event", event);
  }

  @Override
  public <R, C> R accept(EventVisitor<R, C> visitor, C context) {
    return visitor.poissonSampled(this, context);
  }
}

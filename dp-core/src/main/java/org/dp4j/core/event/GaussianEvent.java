package org.dp4j.core.event;

import org.dp4j.core.internal.Checks;

/**
 * One application of the Gaussian mechanism: noise of standard deviation {@code noiseMultiplier *
 * l2Sensitivity} added to a query of the given L2 sensitivity.
 *
 * @param noiseMultiplier standard deviation divided by L2 sensitivity (dimensionless), finite and
 *     {@code >= 0}; 0 means no noise (infinite privacy loss)
 */
public record GaussianEvent(double noiseMultiplier) implements PrivacyEvent {

  /**
   * Validates the noise multiplier.
   *
   * @param noiseMultiplier finite and {@code >= 0}
   * @throws IllegalArgumentException when it is negative, infinite or NaN
   */
  public GaussianEvent {
    Checks.nonNegativeFinite("noiseMultiplier", noiseMultiplier);
  }

  @Override
  public <R, C> R accept(EventVisitor<R, C> visitor, C context) {
    return visitor.gaussian(this, context);
  }
}

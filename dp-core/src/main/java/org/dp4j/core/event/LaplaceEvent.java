package org.dp4j.core.event;

import org.dp4j.core.internal.Checks;

/**
 * One application of the Laplace mechanism: Laplace noise of scale {@code noiseMultiplier *
 * l1Sensitivity}. It is {@code (1 / noiseMultiplier)}-DP (Dwork et al. 2006).
 *
 * @param noiseMultiplier Laplace scale divided by L1 sensitivity, finite and {@code >= 0}; 0 means
 *     no noise (infinite privacy loss)
 */
public record LaplaceEvent(double noiseMultiplier) implements PrivacyEvent {

  /**
   * Validates the noise multiplier.
   *
   * @param noiseMultiplier finite and {@code >= 0}
   * @throws IllegalArgumentException when it is negative, infinite or NaN
   */
  public LaplaceEvent {
    Checks.nonNegativeFinite("noiseMultiplier", noiseMultiplier);
  }

  @Override
  public <R, C> R accept(EventVisitor<R, C> visitor, C context) {
    return visitor.laplace(this, context);
  }
}

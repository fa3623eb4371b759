package org.dp4j.core.event;

import org.dp4j.core.internal.Checks;

/**
 * A mechanism known by its rho-zero-concentrated-DP guarantee (Bun &amp; Steinke 2016, Def. 1.1):
 * Renyi divergence at every order {@code alpha > 1} at most {@code alpha * rho}.
 *
 * @param rho finite and {@code >= 0}
 */
public record ZcdpEvent(double rho) implements PrivacyEvent {

  /**
   * Validates rho.
   *
   * @param rho finite and {@code >= 0}
   * @throws IllegalArgumentException when rho is negative, infinite or NaN
   */
  public ZcdpEvent {
    Checks.nonNegativeFinite("rho", rho);
  }

  @Override
  public <R, C> R accept(EventVisitor<R, C> visitor, C context) {
    return visitor.zcdp(this, context);
  }
}
